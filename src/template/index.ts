export * from './parse.js';
export * from './request.js';
export * from './suggest.js';
