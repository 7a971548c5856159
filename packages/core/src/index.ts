export * from './errors.js';
export * from './verdicts.js';
export * from './assignment-schema.js';
export * from './grade-result.js';
