import { randomUUID } from 'node:crypto';
import { rooms } from '@tp/shared';
import type { Infra } from '../../infra/container.js';
import { MemoryPresenceStore, RedisPresenceStore, type PresenceStore } from './presence.store.js';

/** A user whose last socket here closed stays online this long: a page reload never flashes offline. */
const OFFLINE_GRACE_MS = 5_000;

/**
 * This node's part of presence: counts its own sockets per user, reports first arrivals and last
 * departures (debounced) to the shared store, renews its users by heartbeat, and turns the users of
 * nodes that stopped renewing (crashed) offline. `presence:changed` goes to the user rooms of the
 * people who share a group or a chat with the user.
 */
export class PresenceService {
  private readonly node = randomUUID();
  private readonly store: PresenceStore;
  private readonly local = new Map<string, number>();
  private readonly leaving = new Map<string, NodeJS.Timeout>();
  private timer: NodeJS.Timeout | undefined;
  private readonly ttlMs: number;
  private halted = false;

  constructor(
    private readonly infra: Pick<Infra, 'redis' | 'broadcaster' | 'logger' | 'clock' | 'env' | 'onClose'>,
    private readonly watchersOf: (userId: string) => Promise<string[]>,
  ) {
    this.ttlMs = infra.env.PRESENCE_TTL_S * 1000;
    this.store = infra.redis ? new RedisPresenceStore(infra.redis, this.ttlMs * 4) : new MemoryPresenceStore();
  }

  /** A socket of `userId` opened on this node. */
  connected(userId: string): void {
    if (this.halted) return;
    this.start();
    this.local.set(userId, (this.local.get(userId) ?? 0) + 1);
    const pendingLeave = this.leaving.get(userId);
    if (pendingLeave) {
      clearTimeout(pendingLeave);
      this.leaving.delete(userId);
    }
    if (this.local.get(userId) !== 1) return;
    const now = this.now();
    this.guard(this.store.up(userId, this.node, now + this.ttlMs, now).then((cameOnline) => (cameOnline ? this.announce(userId, true) : undefined)));
  }

  /** A socket of `userId` closed on this node; the user leaves after a grace period without a new one. */
  disconnected(userId: string): void {
    if (this.halted) return;
    const left = (this.local.get(userId) ?? 1) - 1;
    if (left > 0) return void this.local.set(userId, left);
    this.local.delete(userId);
    clearTimeout(this.leaving.get(userId));
    const timer = setTimeout(() => {
      this.leaving.delete(userId);
      if (this.local.has(userId)) return;
      this.guard(this.store.down(userId, this.node, this.now()).then((wentOffline) => (wentOffline ? this.announce(userId, false) : undefined)));
    }, OFFLINE_GRACE_MS);
    timer.unref();
    this.leaving.set(userId, timer);
  }

  online(userIds: string[]): Promise<Set<string>> {
    return this.store.online(userIds, this.now());
  }

  /** Who of the people the user shares a group or chat with is online now (the snapshot behind presence:changed). */
  async onlineAround(userId: string): Promise<string[]> {
    return [...(await this.online(await this.watchersOf(userId)))];
  }

  /** Stops renewing without saying goodbye, as a crashed node would (tests). */
  halt(): void {
    clearInterval(this.timer);
    this.leaving.forEach((timer) => clearTimeout(timer));
    this.leaving.clear();
    this.local.clear();
    this.halted = true;
  }

  /** Heartbeats and the sweep for crashed nodes start with this node's first socket (never on a worker). */
  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.guard(this.tick()), Math.max(1_000, this.ttlMs / 3));
    this.timer.unref();
    this.infra.onClose(async () => {
      clearInterval(this.timer);
      this.leaving.forEach((timer) => clearTimeout(timer));
    });
  }

  private async tick(): Promise<void> {
    const now = this.now();
    const back = await this.store.heartbeat([...this.local.keys()], this.node, now + this.ttlMs);
    for (const userId of back) await this.announce(userId, true);
    for (const userId of await this.store.expired(now)) await this.announce(userId, false);
  }

  private async announce(userId: string, online: boolean): Promise<void> {
    const watchers = await this.watchersOf(userId);
    this.infra.broadcaster.emitToRooms(watchers.map(rooms.user), 'presence:changed', { userId, online });
  }

  private now(): number {
    return this.infra.clock.now().getTime();
  }

  private guard(work: Promise<unknown>): void {
    work.catch((error: unknown) => this.infra.logger.warn({ err: String(error) }, 'presence update failed'));
  }
}
