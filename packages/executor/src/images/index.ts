export * from './runtime-images.js';
export * from './build-images.js';
