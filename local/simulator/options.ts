/**
 * Validation of the simulator's options: an impossible value is rejected at start with a
 * message that names the option (`SimulatorOptionError`, code `SIMULATOR_OPTION_INVALID`).
 */
import { SimulatorError } from '../../core/errors.ts';
export class SimulatorOptionError extends SimulatorError {
  readonly code = 'SIMULATOR_OPTION_INVALID';
  readonly option: string;
  constructor(option: string, message: string, options?: ErrorOptions) {
    super(`${option}: ${message}`, options);
    this.name = 'SimulatorOptionError';
    this.option = option;
  }
}

type Checked = {
  port?: number;
  generation?: string;
  speed?: number;
  rate?: number;
  symbols?: number | readonly string[];
  indexIntervalMs?: number;
};

/** Highest port number. */
const MAX_PORT = 65_535;

export function checkOptions(options: Checked): void {
  const { port, generation, speed, rate, symbols, indexIntervalMs } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= MAX_PORT)) {
    throw new SimulatorOptionError('port', `must be an integer from 0 to ${MAX_PORT}, got ${port}`);
  }
  if (generation !== undefined && generation !== 'v1' && generation !== 'v2') {
    throw new SimulatorOptionError('generation', `must be v1 or v2, got ${generation}`);
  }
  if (speed !== undefined && !(speed > 0)) {
    throw new SimulatorOptionError(
      'speed',
      `must be a number > 0 (or Infinity for as fast as the client reads), got ${speed}`,
    );
  }
  if (rate !== undefined && !(rate > 0)) {
    throw new SimulatorOptionError('rate', `must be frames per second > 0 (or Infinity), got ${rate}`);
  }
  if (typeof symbols === 'number' && !(Number.isInteger(symbols) && symbols > 0)) {
    throw new SimulatorOptionError(
      'symbols',
      `must be a positive count or a list of symbols, got ${symbols}`,
    );
  }
  if (Array.isArray(symbols) && symbols.length === 0) {
    throw new SimulatorOptionError('symbols', 'the list is empty');
  }
  if (indexIntervalMs !== undefined && !(indexIntervalMs > 0)) {
    throw new SimulatorOptionError('indexIntervalMs', `must be > 0, got ${indexIntervalMs}`);
  }
}
