export * from './errors.js';
export * from './limits.js';
export * from './schemas/index.js';
export * from './socket/events.js';
