import { EdgeLabError } from '@edgelab/core';
import type { Store, StoreOptions } from './store.js';

/**
 * Opens a store and runs its migrations. `url` picks the database: a file path, `sqlite:<path>`, `:memory:`,
 * or `postgres://…`; default `./data/edgelab.db`.
 */
export async function createStore(options: StoreOptions = {}): Promise<Store> {
  throw new EdgeLabError({ code: 'INTERNAL', message: `createStore(${options.url ?? ''}): not implemented yet` });
}
