/**
 * The dashboard (local/dashboard/, a later addition) started next to the runtime when
 * it is there, imported by a computed path so the runtime does not depend on it.
 */
import { existsSync } from 'node:fs';
import { LOCAL_REGION } from './aws-clients.ts';
import type { Clock } from './clock.ts';

export type DashboardHandle = { url: string; stop(): Promise<void> };

export async function startDashboardIfPresent(
  port: number | null,
  endpoint: string,
  roles: Readonly<Record<string, string>>,
  clock: Clock,
): Promise<DashboardHandle | undefined> {
  if (port === null) return undefined;
  const path = new URL('./dashboard/server.ts', import.meta.url);
  if (!existsSync(path)) return undefined;
  // Imported by a computed path: the dashboard is a later addition the runtime does not depend on.
  const module = (await import(path.href)) as {
    startDashboard?: (options: Record<string, unknown>) => Promise<DashboardHandle>;
  };
  if (!module.startDashboard) return undefined;
  return module.startDashboard({
    port,
    dynamoEndpoint: endpoint,
    region: LOCAL_REGION,
    tables: { trades: roles.trades, quotes: roles.quotes, bars: roles.bars, indices: roles.indices },
    now: clock.now,
  });
}
