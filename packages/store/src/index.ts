export * from './store.js';
export { createStore } from './create-store.js';
