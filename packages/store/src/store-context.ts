import type { StoreDatabase } from './open-database.js';

/** What every repository of one store shares. */
export interface StoreContext {
  readonly database: StoreDatabase;
  readonly maxAttempts: number;
  /** The clock, epoch ms; one place so leases and timestamps agree. */
  now(): number;
}
