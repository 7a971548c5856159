export * from './store.js';
export { createStore } from './create-store.js';
export { parseStoreUrl, redactUrl, DEFAULT_STORE_URL } from './store-url.js';
export type { StoreLocation } from './store-url.js';
export { migrations } from './migrations.js';
