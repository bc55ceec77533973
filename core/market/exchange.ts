/**
 * The three Vietnamese stock exchanges, spelled as the iboard feed spells them
 * (field 45 of a stock frame, the prefix of a V1 stock id such as `hose:1354`).
 *
 * @example
 * toExchange('HOSE'); // 'hose'
 * toExchange('UPCoM'); // 'upcom'
 * toExchange('nyse'); // undefined
 */
export const EXCHANGES = { HOSE: 'hose', HNX: 'hnx', UPCOM: 'upcom' } as const;

export type Exchange = (typeof EXCHANGES)[keyof typeof EXCHANGES];

/** Every exchange, in the order the spec lists them. */
export const ALL_EXCHANGES: readonly Exchange[] = [EXCHANGES.HOSE, EXCHANGES.HNX, EXCHANGES.UPCOM];

/** Case-insensitive lookup of an exchange name; `undefined` when it is not one of the three. */
export function toExchange(name: string): Exchange | undefined {
  const lower = name.trim().toLowerCase();
  return (ALL_EXCHANGES as readonly string[]).includes(lower) ? (lower as Exchange) : undefined;
}
