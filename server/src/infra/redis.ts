import { Redis } from 'ioredis';

export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
    // Many small commands (sequence numbers, rate limits) from one tick go out as one round trip.
    enableAutoPipelining: true,
  });
}
export type { Redis };
