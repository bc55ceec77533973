/**
 * Plays a replay session to one client: at the recorded pace divided by `speed`, or, with
 * `speed: Infinity`, as fast as the client's socket drains (it waits while more than
 * `HIGH_WATER_BYTES` are buffered). A silence fault pauses the schedule; it resumes where
 * it stopped. With `loop`, the file starts again, times shifted by one period.
 */
import type { ReplayLine, ReplaySession } from './replay-lines.ts';
import { shiftTimes } from './replay-source.ts';

export type ReplayTarget = {
  /** Sends the line if the client subscribed to it; returns false once the client is gone. */
  deliver(line: ReplayLine, raw: string): boolean;
  bufferedAmount(): number;
  isSilent(): boolean;
};

export type ReplayOptions = { readonly speed: number; readonly loop: boolean };

/** Wait for the socket while this much is queued (about 2,000 V2 frames). */
export const HIGH_WATER_BYTES = 1024 * 1024;
/** Frames sent per turn of the event loop in fast mode, so other clients and timers get a turn. */
const BATCH = 1000;
/** Gap between the last frame of a loop and the first of the next, recorded time. */
const LOOP_GAP_MS = 1000;
const POLL_MS = 5;

export class ReplayPlayer {
  private index = 0;
  private loopShift = 0;
  private startedAt = 0;
  private pausedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Loops completed. */
  loops = 0;
  done = false;

  constructor(
    private readonly session: ReplaySession,
    private readonly target: ReplayTarget,
    private readonly options: ReplayOptions,
    private readonly onDone: () => void = () => {},
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.step();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    // A pending immediate after stop() is harmless: step() returns at once.
    if (ms <= 0) setImmediate(() => this.step());
    else this.timer = setTimeout(() => this.step(), ms);
  }

  private step(): void {
    if (this.stopped) return;
    const now = performance.now();
    if (this.target.isSilent()) {
      this.pausedAt ??= now;
      this.schedule(POLL_MS);
      return;
    }
    if (this.pausedAt !== undefined) {
      this.startedAt += now - this.pausedAt;
      this.pausedAt = undefined;
    }
    const { lines, firstT, lastT } = this.session;
    const paced = Number.isFinite(this.options.speed);
    for (let sent = 0; sent < BATCH; sent++) {
      if (this.index >= lines.length) {
        if (!this.options.loop) {
          this.done = true;
          this.onDone();
          return;
        }
        this.loops++;
        this.index = 0;
        this.loopShift += lastT - firstT + LOOP_GAP_MS;
      }
      if (this.target.bufferedAmount() > HIGH_WATER_BYTES) {
        this.schedule(POLL_MS);
        return;
      }
      const line = lines[this.index];
      if (paced) {
        const due = this.startedAt + (line.t + this.loopShift - firstT) / this.options.speed;
        if (due > now) {
          this.schedule(due - now);
          return;
        }
      }
      this.index++;
      if (!this.target.deliver(line, shiftTimes(line, this.loopShift))) {
        this.stop();
        return;
      }
    }
    this.schedule(0);
  }
}
