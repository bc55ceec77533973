/**
 * Fault injection knobs, settable at start (`startSimulator({ faults })`) and at run time
 * (`sim.faults.set({...})` or the helper methods). The server consults them on every
 * connection, frame and tick; nothing here touches sockets itself.
 *
 * @example
 * sim.faults.set({ closeAfterFrames: 100 }); // every connection is cut after 100 data frames
 * sim.faults.silence(5);                      // nothing at all is sent for 5 s, sockets stay open
 * sim.faults.refuse(2);                       // new connections get HTTP 503 for 2 s
 * sim.faults.set({ refuseSeconds: 60, refuseMode: 'http-403', refuseOnly: 'realtime' }); // V2 gone, MQTT answers
 * sim.faults.set({ malformedRate: 0.01, malformedKinds: ['garbage', 'binary'] });
 * sim.faults.set({ extraFieldRate: 0.02, junkFieldRate: 0.02 }); // data frames altered, still data
 * sim.faults.set({ serverTimeSkewMs: 1500 }); // connections accepted now get field 101 1.5 s ahead
 */
import { SimulatorError } from '../../core/errors.ts';
import type { AlteredKind, MalformedKind } from './ledger.ts';

export const MALFORMED_KINDS: readonly MalformedKind[] = ['field-count', 'garbage', 'binary', 'oversized'];

/** How a refused connection fails: an HTTP 503 or 403 answer to the upgrade, or a TCP reset. */
export type RefuseMode = 'http-503' | 'http-403' | 'reset';

/** The endpoints a refusal can be limited to: V2 websocket (`/realtime`) or MQTT (`/mqtt`). */
export type RefuseEndpoint = 'realtime' | 'mqtt';

export type FaultSettings = {
  /** Cut each connection once it has been sent this many data frames (every connection, while set). */
  closeAfterFrames?: number;
  /** Cut every open connection when the simulator clock reaches this epoch ms (once). */
  closeAt?: number;
  /** Close code for the cuts above; unset = terminate the TCP connection without a close frame. */
  closeCode?: number;
  /** Send nothing (no data, no acks, no pongs) until this epoch ms (wall clock); sockets stay open. */
  silentUntil?: number;
  /** Refuse new connections until this epoch ms (wall clock). */
  refuseUntil?: number;
  refuseMode?: RefuseMode;
  /** Refuse only upgrades to this endpoint (unset: both), e.g. V2 gone while MQTT still answers. */
  refuseOnly?: RefuseEndpoint;
  /** Probability, per data frame sent, of an extra malformed frame just before it (0..1). */
  malformedRate?: number;
  /** Kinds to draw from, in turn (default: all four). */
  malformedKinds?: readonly MalformedKind[];
  /**
   * Probability, per V2 stock frame sent, that it carries one field appended past the 102
   * (as if SSI added a field): still a data frame, counted in the ledger (0..1).
   */
  extraFieldRate?: number;
  /**
   * Probability, per V2 stock frame sent, of junk in a field nothing stores (`1:2` in field
   * 71, `-` in field 99, in turn): still a data frame, counted in the ledger (0..1).
   */
  junkFieldRate?: number;
  /**
   * Connections accepted while set get V2 stock frames whose server time (field 101) is
   * this many ms ahead (negative: behind), as from another SSI server with its own clock.
   */
  serverTimeSkewMs?: number;
  /** Size of an oversized frame in bytes (default 1 MiB: a Kinesis record's limit). */
  oversizedBytes?: number;
  /** Answer 403 to a missing or library-default User-Agent, as the live server does (default true). */
  rejectLibraryUserAgents?: boolean;
};

/** `set()` also takes durations, turned into `silentUntil` / `refuseUntil` from now. */
export type FaultUpdate = FaultSettings & { silenceSeconds?: number; refuseSeconds?: number };

/** Thrown on a knob with an impossible value; `option` names it. */
export class FaultSettingError extends SimulatorError {
  readonly code = 'SIMULATOR_FAULT_INVALID';
  readonly option: string;
  constructor(option: string, message: string, options?: ErrorOptions) {
    super(`fault option ${option}: ${message}`, options);
    this.name = 'FaultSettingError';
    this.option = option;
  }
}

/** A desktop browser's User-Agent, for clients the simulator (and iboard) must accept. */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** User-Agent prefixes of HTTP libraries and tools (lower case). */
const LIBRARY_AGENT_PREFIXES = [
  'node',
  'ws',
  'undici',
  'python',
  'go-http-client',
  'curl',
  'wget',
  'axios',
  'okhttp',
  'java',
  'libwww',
];

/** Whether a User-Agent looks like a library default rather than a browser. */
export function isLibraryUserAgent(userAgent: string | undefined): boolean {
  const ua = userAgent?.trim().toLowerCase() ?? '';
  return ua === '' || LIBRARY_AGENT_PREFIXES.some((prefix) => ua.startsWith(prefix));
}

export const DEFAULT_OVERSIZED_BYTES = 1024 * 1024;
/** Servers' clocks differ by seconds, not minutes: a larger skew is a mistake in the test. */
const MAX_SKEW_MS = 60_000;

export class Faults {
  private settings: FaultSettings = { rejectLibraryUserAgents: true };
  private kindTurn = 0;
  /** Called after every change, so the server can act at once (e.g. cut connections). */
  onChange: () => void = () => {};

  constructor(
    initial: FaultUpdate = {},
    private readonly wallClock: () => number = Date.now,
  ) {
    this.set(initial);
  }

  /** Merges the given knobs into the current ones; `undefined` clears a knob. */
  set(update: FaultUpdate): void {
    const next: FaultSettings = { ...this.settings };
    for (const [key, value] of Object.entries(update)) {
      if (key === 'silenceSeconds' || key === 'refuseSeconds') continue;
      (next as Record<string, unknown>)[key] = value;
    }
    if (update.silenceSeconds !== undefined) {
      next.silentUntil = this.wallClock() + seconds('silenceSeconds', update.silenceSeconds) * 1000;
    }
    if (update.refuseSeconds !== undefined) {
      next.refuseUntil = this.wallClock() + seconds('refuseSeconds', update.refuseSeconds) * 1000;
    }
    validate(next);
    this.settings = next;
    this.onChange();
  }

  /** The current knobs, read-only and without copying (read on every frame). */
  peek(): Readonly<FaultSettings> {
    return this.settings;
  }

  /** The current knobs (a copy). */
  get(): FaultSettings {
    return { ...this.settings };
  }

  /** Clears every knob except the User-Agent check. */
  clear(): void {
    this.settings = { rejectLibraryUserAgents: this.settings.rejectLibraryUserAgents };
    this.onChange();
  }

  silence(secondsToWait: number): void {
    this.set({ silenceSeconds: secondsToWait });
  }

  refuse(secondsToWait: number, mode?: RefuseMode): void {
    this.set({ refuseSeconds: secondsToWait, ...(mode ? { refuseMode: mode } : {}) });
  }

  isSilent(): boolean {
    return this.settings.silentUntil !== undefined && this.wallClock() < this.settings.silentUntil;
  }

  /** The refusal mode while refusing upgrades to `endpoint`, else undefined. */
  refusal(endpoint?: RefuseEndpoint): RefuseMode | undefined {
    const until = this.settings.refuseUntil;
    const only = this.settings.refuseOnly;
    if (only !== undefined && endpoint !== undefined && only !== endpoint) return undefined;
    return until !== undefined && this.wallClock() < until
      ? (this.settings.refuseMode ?? 'http-503')
      : undefined;
  }

  rejectsUserAgent(userAgent: string | undefined): boolean {
    return this.settings.rejectLibraryUserAgents !== false && isLibraryUserAgent(userAgent);
  }

  /** The malformed kind to send before the next data frame, drawn with `draw()` in [0, 1). */
  malformedBefore(draw: number): MalformedKind | undefined {
    const rate = this.settings.malformedRate ?? 0;
    if (rate <= 0 || draw >= rate) return undefined;
    const kinds = this.settings.malformedKinds ?? MALFORMED_KINDS;
    const kind = kinds[this.kindTurn % kinds.length];
    this.kindTurn++;
    return kind;
  }

  /** How to alter the next V2 stock frame, drawn with `draw()` in [0, 1): extra field first, then junk. */
  alteredKind(draw: number): AlteredKind | undefined {
    const extra = this.settings.extraFieldRate ?? 0;
    const junk = this.settings.junkFieldRate ?? 0;
    if (draw < extra) return 'extra-field';
    if (draw < extra + junk) return 'junk-field';
    return undefined;
  }

  /** Marks the one-shot `closeAt` as done. */
  consumeCloseAt(): void {
    this.settings = { ...this.settings, closeAt: undefined };
  }
}

function seconds(option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new FaultSettingError(option, `must be >= 0, got ${value}`);
  return value;
}

function validate(s: FaultSettings): void {
  validateClose(s);
  validateRates(s);
  const skew = s.serverTimeSkewMs;
  if (skew !== undefined && !(Number.isInteger(skew) && Math.abs(skew) <= MAX_SKEW_MS))
    throw new FaultSettingError('serverTimeSkewMs', `must be whole ms within ±${MAX_SKEW_MS}, got ${skew}`);
  validateMalformed(s);
  validateRefuse(s);
  for (const key of ['closeAt', 'silentUntil', 'refuseUntil'] as const) {
    const value = s[key];
    if (value !== undefined && !Number.isFinite(value))
      throw new FaultSettingError(key, `must be epoch ms, got ${value}`);
  }
}

function validateClose(s: FaultSettings): void {
  if (s.closeAfterFrames !== undefined && !(Number.isInteger(s.closeAfterFrames) && s.closeAfterFrames > 0)) {
    throw new FaultSettingError('closeAfterFrames', `must be a positive integer, got ${s.closeAfterFrames}`);
  }
  if (s.closeCode !== undefined && !(s.closeCode === 1000 || (s.closeCode >= 3000 && s.closeCode <= 4999))) {
    throw new FaultSettingError('closeCode', `must be 1000 or 3000..4999, got ${s.closeCode}`);
  }
}

function validateRates(s: FaultSettings): void {
  if (s.malformedRate !== undefined && !(s.malformedRate >= 0 && s.malformedRate <= 1)) {
    throw new FaultSettingError('malformedRate', `must be within 0..1, got ${s.malformedRate}`);
  }
  for (const key of ['extraFieldRate', 'junkFieldRate'] as const) {
    const rate = s[key];
    if (rate !== undefined && !(rate >= 0 && rate <= 1))
      throw new FaultSettingError(key, `must be within 0..1, got ${rate}`);
  }
  if ((s.extraFieldRate ?? 0) + (s.junkFieldRate ?? 0) > 1)
    throw new FaultSettingError('junkFieldRate', 'extraFieldRate + junkFieldRate must not exceed 1');
}

function validateMalformed(s: FaultSettings): void {
  if (s.malformedKinds !== undefined) {
    if (s.malformedKinds.length === 0) throw new FaultSettingError('malformedKinds', 'must not be empty');
    const bad = s.malformedKinds.find((k) => !MALFORMED_KINDS.includes(k));
    if (bad)
      throw new FaultSettingError('malformedKinds', `unknown kind ${bad} (${MALFORMED_KINDS.join(', ')})`);
  }
  if (s.oversizedBytes !== undefined && !(Number.isInteger(s.oversizedBytes) && s.oversizedBytes > 0)) {
    throw new FaultSettingError('oversizedBytes', `must be a positive integer, got ${s.oversizedBytes}`);
  }
}

function validateRefuse(s: FaultSettings): void {
  if (s.refuseMode !== undefined && !['http-503', 'http-403', 'reset'].includes(s.refuseMode)) {
    throw new FaultSettingError('refuseMode', `must be http-503, http-403 or reset, got ${s.refuseMode}`);
  }
  if (s.refuseOnly !== undefined && s.refuseOnly !== 'realtime' && s.refuseOnly !== 'mqtt') {
    throw new FaultSettingError('refuseOnly', `must be realtime or mqtt, got ${s.refuseOnly}`);
  }
}
