/**
 * Plain-text tables for `npm run bench`: the figures (pipeline, baseline, ratio) and the
 * trading-day cost with the unit price beside each line.
 */
import type { DayCost, DesignCost } from '../cost-model.ts';
import { type FigureRow, ratioText } from './figures.ts';

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number>,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) =>
    right.has(i) ? text.padStart(widths[i]) : text.padEnd(widths[i]);
  return [
    header.map(cell).join('  '),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => r.map(cell).join('  ')),
  ].join('\n');
}

export function formatNumber(value: number | undefined): string {
  if (value === undefined) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatFigures(rows: readonly FigureRow[]): string {
  return table(
    ['section', 'figure', 'unit', 'this pipeline', 'baseline', 'ratio', 'baseline is / note'],
    rows.map((r) => [
      r.section,
      r.figure,
      r.unit,
      formatNumber(r.pipeline),
      formatNumber(r.baseline),
      ratioText(r),
      [r.baselineName, r.note].filter(Boolean).join('; '),
    ]),
    new Set([3, 4, 5]),
  );
}

const usd = (x: number) => `$${x < 1 ? x.toFixed(4) : x.toFixed(2)}`;

function costRows(label: string, design: DesignCost, mode: 'provisioned' | 'onDemand'): string[][] {
  const part = design[mode];
  return [
    ...part.lines.map((l) => [label, l.item, `${formatNumber(l.quantity)} ${l.unit}`, l.price, usd(l.usd)]),
    [label, 'total', '', '', usd(part.total)],
  ];
}

export function formatCost(cost: DayCost, marketRate: number, lambdaMb: number): string {
  const header = [
    'design',
    'item',
    'quantity',
    'price (us-east-1, as published; check before relying on it)',
    'USD/day',
  ];
  const out: string[] = [
    `AWS cost of one trading day, whole market at ${formatNumber(marketRate)} frames/s over 4 h 15 min of matching ` +
      `(${formatNumber(cost.framesPerDay)} frames; the market's peak held all session: an upper bound). ` +
      `Fargate arm64 (Graviton) 0.25 vCPU / 0.5 GB for the 4 h 50 min ingest windows; Lambda arm64, ${formatNumber(lambdaMb)} MB; DynamoDB on-demand writes (reads not counted).`,
  ];
  for (const mode of ['provisioned', 'onDemand'] as const) {
    out.push('', mode === 'provisioned' ? 'Kinesis provisioned:' : 'Kinesis on-demand:');
    out.push(
      table(
        header,
        [...costRows('pipeline', cost.pipeline, mode), ...costRows('naive', cost.naive, mode)],
        new Set([2, 4]),
      ),
    );
  }
  const { archive } = cost;
  out.push(
    '',
    `Raw-feed archive (S3, either Kinesis mode): ${formatNumber(archive.bytesPer1000Frames)} bytes per 1,000 frames ` +
      `(the stream's measured bytes plus the archive framing), ${formatNumber(archive.gbPerDay)} GB and ` +
      `${formatNumber(archive.objectsPerDay)} objects a day; each day kept costs ${usd(archive.perMonthAfter90Days)} a month after day 90 (Glacier IR).`,
    table(
      header,
      [
        ...archive.lines.map((l) => [
          'archive',
          l.item,
          `${formatNumber(l.quantity)} ${l.unit}`,
          l.price,
          usd(l.usd),
        ]),
        ['archive', 'total (written, kept 90 days)', '', '', usd(archive.total)],
      ],
      new Set([2, 4]),
    ),
  );
  return out.join('\n');
}
