export * from './hosts.js';
export * from './inject.js';
export * from './placements.js';
export * from './presets.js';
