/**
 * Decides whether the task should hold its websocket: in `always` mode, yes; in
 * `control` mode, when the control item says `running` and the calendar agrees
 * (`shouldIngest` of `core/control.ts`: a trading day, inside an ingest window).
 * It re-reads the control item and the clock every `pollMs` and reports changes only.
 *
 * A failed read keeps the last answer (a DynamoDB hiccup must not cut a live feed)
 * and is logged once per outage; an item with a wrong shape is logged as an error
 * and read as "not running".
 *
 * @example
 * const gate = new ScheduleGate({ mode: 'control', pollMs: 10_000, clock: Date.now, readControl, onChange, logger });
 * await gate.start(); // evaluates once, then polls
 */
import { ControlShapeError, type ControlState, shouldIngest } from '../core/control.ts';
import type { IngestLogger } from './logger.ts';

export const INGEST_MODES = { CONTROL: 'control', ALWAYS: 'always' } as const;
export type IngestMode = (typeof INGEST_MODES)[keyof typeof INGEST_MODES];

export type ScheduleGateOptions = {
  readonly mode: IngestMode;
  readonly pollMs: number;
  /** Epoch ms now (a simulated clock in the embedded runtime, or in tests). */
  readonly clock: () => number;
  /** Reads the control item; `undefined` when there is none. */
  readonly readControl: () => Promise<ControlState | undefined>;
  readonly onChange: (wanted: boolean, reason: string) => void;
  readonly logger: IngestLogger;
};

export class ScheduleGate {
  private wantedNow: boolean | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastState: ControlState | undefined;
  private readFailing = false;
  private running = false;

  constructor(private readonly options: ScheduleGateOptions) {}

  get wanted(): boolean {
    return this.wantedNow === true;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.evaluate();
    if (this.options.mode === INGEST_MODES.ALWAYS) return;
    const poll = async () => {
      if (!this.running) return;
      await this.evaluate();
      if (this.running) this.timer = setTimeout(poll, this.options.pollMs);
    };
    this.timer = setTimeout(poll, this.options.pollMs);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Re-reads the control item and the clock now; reports a change through `onChange`. */
  async evaluate(): Promise<boolean> {
    if (this.options.mode === INGEST_MODES.ALWAYS) {
      this.report(true, 'INGEST_MODE is always');
      return true;
    }
    await this.refreshControl();
    if (!this.running) return this.wanted;
    const now = this.options.clock();
    const wanted = shouldIngest(this.lastState, now);
    this.report(wanted, this.reasonFor(wanted));
    return wanted;
  }

  private async refreshControl(): Promise<void> {
    try {
      this.lastState = await this.options.readControl();
      if (this.readFailing) this.options.logger.info('control item readable again');
      this.readFailing = false;
    } catch (error) {
      const err = error as Error;
      if (err instanceof ControlShapeError) {
        this.options.logger.error('control item has a wrong shape, treating it as stopped', {
          reason: err.message,
        });
        this.lastState = undefined;
        return;
      }
      if (!this.readFailing) {
        this.options.logger.warn('cannot read the control item, keeping the last state', {
          error: err.name,
          reason: err.message,
        });
      }
      this.readFailing = true;
    }
  }

  private reasonFor(wanted: boolean): string {
    const state = this.lastState;
    if (!state) return 'no control item';
    if (wanted) return state.reason || 'control item says running';
    if (state.desired !== 'running') return state.reason || 'control item says stopped';
    return 'outside the trading calendar';
  }

  private report(wanted: boolean, reason: string): void {
    if (this.wantedNow === wanted) return;
    this.wantedNow = wanted;
    this.options.logger.info(wanted ? 'ingestion wanted' : 'ingestion not wanted', { reason });
    this.options.onChange(wanted, reason);
  }
}
