// Thin wrappers over lightweight-charts (the standalone build, loaded as window.LightweightCharts).
import { COLORS, chartTime, price as formatPrice } from './format.js';

const LWC = window.LightweightCharts;

function baseChart(el) {
  return LWC.createChart(el, {
    autoSize: true,
    layout: { background: { type: 'solid', color: 'transparent' }, textColor: COLORS.text, fontSize: 11 },
    grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
    rightPriceScale: { borderColor: COLORS.grid },
    timeScale: { borderColor: COLORS.grid, timeVisible: true, secondsVisible: false },
    crosshair: { mode: LWC.CrosshairMode.Normal },
  });
}

const volumeFormat = { type: 'volume' };
/** Prices in whole VND with separators, as in the panels. */
const priceFormat = { type: 'custom', minMove: 1, formatter: (value) => formatPrice(Math.round(value)) };

/** 1-minute candles with a volume histogram underneath, from the bars table. */
export function candleChart(el) {
  const chart = baseChart(el);
  const candles = chart.addSeries(LWC.CandlestickSeries, {
    upColor: COLORS.up,
    downColor: COLORS.down,
    borderVisible: false,
    wickUpColor: COLORS.up,
    wickDownColor: COLORS.down,
    priceFormat,
  });
  candles.priceScale().applyOptions({ scaleMargins: { top: 0.06, bottom: 0.28 } });
  const volumes = chart.addSeries(LWC.HistogramSeries, { priceFormat: volumeFormat, priceScaleId: '' });
  volumes.priceScale().applyOptions({ scaleMargins: { top: 0.78, bottom: 0 } });
  const byMinute = new Map();

  const candleOf = (bar) =>
    bar.open === null
      ? { time: chartTime(bar.time) }
      : { time: chartTime(bar.time), open: bar.open, high: bar.high, low: bar.low, close: bar.close };
  const volumeOf = (bar) => ({
    time: chartTime(bar.time),
    value: bar.volume,
    color: bar.close !== null && bar.close < bar.open ? `${COLORS.down}99` : `${COLORS.up}99`,
  });
  const redraw = () => {
    const bars = [...byMinute.values()].sort((a, b) => a.time - b.time);
    candles.setData(bars.map(candleOf));
    volumes.setData(bars.map(volumeOf));
  };

  return {
    setBars(bars) {
      byMinute.clear();
      for (const bar of bars) byMinute.set(bar.minute, bar);
      redraw();
      chart.timeScale().fitContent();
    },
    /** Merges changed bars; the last one is updated in place, an older one redraws. */
    mergeBars(bars) {
      const last = [...byMinute.values()].reduce((t, b) => Math.max(t, b.time), 0);
      for (const bar of bars) byMinute.set(bar.minute, bar);
      if (bars.length === 1 && bars[0].time >= last) {
        candles.update(candleOf(bars[0]));
        volumes.update(volumeOf(bars[0]));
      } else redraw();
    },
    count: () => candles.data().length,
    last: () => candles.data().at(-1) ?? null,
  };
}

/** A line over the day (price or cumulative volume); live points are appended. */
export function lineChart(el, { color, isVolume = false }) {
  const chart = baseChart(el);
  const series = chart.addSeries(LWC.AreaSeries, {
    lineColor: color,
    topColor: `${color}55`,
    bottomColor: `${color}05`,
    lineWidth: 2,
    priceFormat: isVolume ? volumeFormat : priceFormat,
  });
  let lastTime = 0;
  let levels = [];
  return {
    /** points: [{ time: epoch ms, value }] in time order. */
    setPoints(points) {
      const data = [];
      for (const p of points) {
        const time = chartTime(p.time);
        if (data.length > 0 && data[data.length - 1].time === time) data[data.length - 1].value = p.value;
        else if (data.length === 0 || time > data[data.length - 1].time) data.push({ time, value: p.value });
      }
      series.setData(data);
      lastTime = data.length > 0 ? data[data.length - 1].time : 0;
      chart.timeScale().fitContent();
    },
    addPoint(point) {
      const time = chartTime(point.time);
      if (time < lastTime || point.value === null) return;
      series.update({ time, value: point.value });
      lastTime = time;
    },
    /** Horizontal lines: [{ price, color, title }] (reference, ceiling, floor). */
    setLevels(next) {
      for (const line of levels) series.removePriceLine(line);
      levels = next
        .filter((l) => l.price !== null)
        .map((l) =>
          series.createPriceLine({
            price: l.price,
            color: l.color,
            lineWidth: 1,
            lineStyle: LWC.LineStyle.Dashed,
            axisLabelVisible: true,
            title: l.title,
          }),
        );
    },
    count: () => series.data().length,
    last: () => series.data().at(-1) ?? null,
  };
}
