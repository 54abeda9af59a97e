import client from 'prom-client';

/** One registry per app instance, so tests can build several apps in one process. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const connectedSockets = new client.Gauge({
    name: 'socket_connected',
    help: 'Socket.IO connections open on this node',
    registers: [registry],
  });
  const lockFallbacks = new client.Counter({
    name: 'lock_fallbacks_total',
    help: 'Work run without the Redis lock (Redis unavailable, or the key contended past the retry budget)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const passwordHashQueue = new client.Gauge({
    name: 'password_hash_queue_length',
    help: 'Password hashes and verifications waiting for a hashing slot',
    registers: [registry],
  });
  const signInQueue = new client.Gauge({
    name: 'sign_in_queue_length',
    help: 'Password sign-ins waiting for their turn (at most one more than the hashing threads run at once)',
    registers: [registry],
  });
  const passwordHashes = new client.Counter({
    name: 'password_hash_operations_total',
    help: 'argon2 hashes and verifications started',
    labelNames: ['operation'],
    registers: [registry],
  });
  return { registry, httpDuration, connectedSockets, lockFallbacks, passwordHashQueue, signInQueue, passwordHashes };
}
export type Metrics = ReturnType<typeof createMetrics>;
