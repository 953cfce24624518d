export * from './bind.js';
export * from './loader.js';
export * from './registry.js';
export * from './runner.js';
export * from './schema.js';
