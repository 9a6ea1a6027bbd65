import path from 'node:path';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import type { Config } from './config.ts';
import type { Ctx } from './context.ts';
import { openDb } from './db/index.ts';
import { migrateToLatest } from './db/migrate.ts';

/** Open the configured database (PostgreSQL when DATABASE_URL is set, else SQLite in the data dir) and migrate it. */
export async function openContext(config: Config, clock: Clock = systemClock): Promise<Ctx> {
  const store = await openDb({
    databaseUrl: config.databaseUrl,
    sqliteFile: path.join(config.dataDir, 'frontline.db'),
    timeouts: config.db,
  });
  await migrateToLatest(store);
  return { store, clock, config };
}
