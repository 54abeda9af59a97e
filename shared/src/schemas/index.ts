export * from './common.js';
export * from './auth.js';
export * from './groups.js';
export * from './schedule.js';
export * from './pool.js';
export * from './webhooks.js';
export * from './recordings.js';
export * from './homework.js';
