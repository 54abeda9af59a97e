import type { Redis } from 'ioredis';

/**
 * Who is online, shared by every node. A node reports each of its users with an expiry and renews it
 * by heartbeat; a user is online while any node's expiry for them lies ahead. A node that dies stops
 * renewing, so its users go offline when the expiry passes — no node ever asks the others which
 * sockets they hold.
 */
export interface PresenceStore {
  /** This node has the user until `expiresAt`; true when they were offline before. */
  up(userId: string, node: string, expiresAt: number, now: number): Promise<boolean>;
  /** This node no longer has the user; true when they are now offline everywhere. */
  down(userId: string, node: string, now: number): Promise<boolean>;
  /** Renews this node's users; answers the ones that had gone offline meanwhile (now back). */
  heartbeat(userIds: string[], node: string, expiresAt: number): Promise<string[]>;
  /** Users every node stopped renewing; each is answered once, to one caller. */
  expired(now: number): Promise<string[]>;
  online(userIds: string[], now: number): Promise<Set<string>>;
}

const ONLINE = 'presence:online';
const nodesKey = (userId: string) => `presence:nodes:${userId}`;

/** The latest expiry still ahead among a user's nodes (0 if none). */
const LATEST_ALIVE = `
local function latest(key, now)
  local best = 0
  for _, v in ipairs(redis.call('HVALS', key)) do
    local n = tonumber(v)
    if n > now and n > best then best = n end
  end
  return best
end`;

const UP = `
local was = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[4]))
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if (not was) or was < tonumber(ARGV[2]) then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4]) end
if (not was) or was <= tonumber(ARGV[3]) then return 1 end
return 0`;

const DOWN = `${LATEST_ALIVE}
redis.call('HDEL', KEYS[1], ARGV[1])
local best = latest(KEYS[1], tonumber(ARGV[2]))
if best > 0 then redis.call('ZADD', KEYS[2], best, ARGV[3]) return 0 end
return redis.call('ZREM', KEYS[2], ARGV[3])`;

const HEARTBEAT = `
local back = {}
for i = 4, #ARGV do
  local key = 'presence:nodes:' .. ARGV[i]
  redis.call('HSET', key, ARGV[1], ARGV[2])
  redis.call('PEXPIRE', key, ARGV[3])
  local was = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[i]))
  if not was then table.insert(back, ARGV[i]) end
  if (not was) or was < tonumber(ARGV[2]) then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[i]) end
end
return back`;

const EXPIRED = `${LATEST_ALIVE}
local now = tonumber(ARGV[1])
local gone = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])) do
  local best = latest('presence:nodes:' .. id, now)
  if best > 0 then redis.call('ZADD', KEYS[1], best, id) else redis.call('ZREM', KEYS[1], id) table.insert(gone, id) end
end
return gone`;

export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    /** How long a node's per-user hash outlives its last renewal (well past any expiry in it). */
    private readonly keepMs: number,
  ) {}

  async up(userId: string, node: string, expiresAt: number, now: number) {
    return (await this.redis.eval(UP, 2, nodesKey(userId), ONLINE, node, expiresAt, now, userId, this.keepMs)) === 1;
  }

  async down(userId: string, node: string, now: number) {
    return (await this.redis.eval(DOWN, 2, nodesKey(userId), ONLINE, node, now, userId)) === 1;
  }

  async heartbeat(userIds: string[], node: string, expiresAt: number) {
    if (!userIds.length) return [];
    return (await this.redis.eval(HEARTBEAT, 1, ONLINE, node, expiresAt, this.keepMs, ...userIds)) as string[];
  }

  async expired(now: number) {
    return (await this.redis.eval(EXPIRED, 1, ONLINE, now, 500)) as string[];
  }

  async online(userIds: string[], now: number) {
    if (!userIds.length) return new Set<string>();
    const scores = await this.redis.zmscore(ONLINE, ...userIds);
    return new Set(userIds.filter((_, i) => scores[i] !== null && Number(scores[i]) > now));
  }
}

/** Single-node mode: the same rules in this process's memory. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly nodes = new Map<string, Map<string, number>>();

  private latest(userId: string, now: number) {
    return Math.max(0, ...[...(this.nodes.get(userId)?.values() ?? [])].filter((at) => at > now));
  }

  async up(userId: string, node: string, expiresAt: number, now: number) {
    const was = this.latest(userId, now);
    const entry = this.nodes.get(userId) ?? new Map<string, number>();
    entry.set(node, expiresAt);
    this.nodes.set(userId, entry);
    return was === 0;
  }

  async down(userId: string, node: string, now: number) {
    this.nodes.get(userId)?.delete(node);
    if (this.latest(userId, now) > 0) return false;
    const had = this.nodes.has(userId);
    this.nodes.delete(userId);
    return had;
  }

  async heartbeat(userIds: string[], node: string, expiresAt: number) {
    const back: string[] = [];
    for (const userId of userIds) {
      if (!this.nodes.has(userId)) back.push(userId);
      const entry = this.nodes.get(userId) ?? new Map<string, number>();
      entry.set(node, expiresAt);
      this.nodes.set(userId, entry);
    }
    return back;
  }

  async expired(now: number) {
    const gone = [...this.nodes.keys()].filter((userId) => this.latest(userId, now) === 0);
    gone.forEach((userId) => this.nodes.delete(userId));
    return gone;
  }

  async online(userIds: string[], now: number) {
    return new Set(userIds.filter((userId) => this.latest(userId, now) > 0));
  }
}
