/** Port checks for the runtime's start: fail early, with the port and the flag that moves it. */

import { createServer } from 'node:net';
import { LocalRuntimeError } from '../../core/errors.ts';

export class PortInUseError extends LocalRuntimeError {
  readonly code = 'PORT_IN_USE';
  constructor(
    readonly port: number,
    readonly flag: string,
    readonly what: string,
    options?: ErrorOptions,
  ) {
    super(
      `port ${port} (${what}) is already in use: stop what holds it, or choose another with ${flag} N`,
      options,
    );
    this.name = 'PortInUseError';
  }
}

/** Resolves when `port` can be bound on `host`; rejects with the OS error otherwise. */
export function probePort(port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

export async function ensurePortFree(port: number, flag: string, what: string): Promise<void> {
  if (port === 0) return;
  try {
    await probePort(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new PortInUseError(port, flag, what, { cause: error });
    throw error;
  }
}

/** A port that was free a moment ago (for child processes that must be told a port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
