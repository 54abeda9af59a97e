export * from './constants.js';
export * from './errors.js';
export * from './schemas/index.js';
export * from './socket/events.js';
export * from './gradebook/constants.js';
export * from './gradebook/calc.js';
