import type { Server } from 'socket.io';
import type { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import type { ServerToClientEvents } from '@tp/shared';

type Payload<E extends keyof ServerToClientEvents> = Omit<Parameters<ServerToClientEvents[E]>[0], 'meta'>;

/** Hands out per-room sequence numbers, in emit order. */
export interface SequenceSource {
  next(room: string): Promise<number>;
  current(room: string): Promise<number>;
}

export class MemorySequence implements SequenceSource {
  private readonly values = new Map<string, number>();
  async next(room: string) {
    const value = (this.values.get(room) ?? 0) + 1;
    this.values.set(room, value);
    return value;
  }
  async current(room: string) {
    return this.values.get(room) ?? 0;
  }
}

/** Shared across nodes so every node numbers a room's events from one counter. */
export class RedisSequence implements SequenceSource {
  constructor(private readonly redis: Redis) {}
  next(room: string) {
    return this.redis.incr(`seq:${room}`);
  }
  async current(room: string) {
    return Number((await this.redis.get(`seq:${room}`)) ?? 0);
  }
}

type Target = Pick<Server, 'to' | 'in' | 'local'> | Pick<Emitter, 'to' | 'in'>;

/**
 * Services hand domain events here after commit; this is the one place that maps them to rooms.
 * Works over a Socket.IO server (HTTP nodes) or a Redis emitter (the worker).
 */
export class Broadcaster {
  private readonly tails = new Map<string, Promise<void>>();

  /** Numbers events that only this node's sockets receive. */
  private readonly localSequence = new MemorySequence();

  constructor(
    private target: Target | null,
    readonly sequence: SequenceSource = new MemorySequence(),
  ) {}

  /** True on a node that holds sockets (an HTTP node), false on the worker. */
  get hasLocalSockets(): boolean {
    return this.target !== null && 'local' in this.target;
  }

  /**
   * Emits to this node's own sockets in `room` only, numbered by a node-local sequence: for updates
   * every node derives itself and throttles per socket (the pool's live view).
   */
  emitLocal<E extends keyof ServerToClientEvents>(room: string, event: E, payload: Payload<E>): Promise<void> {
    const target = this.target;
    if (!target || !('local' in target)) return Promise.resolve();
    return this.localSequence.next(room).then((seq) => {
      (target.local.to(room) as unknown as { emit: (e: string, p: unknown) => void }).emit(event, { ...payload, meta: { room, seq } });
    });
  }

  emit<E extends keyof ServerToClientEvents>(room: string, event: E, payload: Payload<E>): Promise<void> {
    if (!this.target) return Promise.resolve();
    const target = this.target;
    // Chain per room so numbers go out in the order they were handed out.
    const previous = this.tails.get(room) ?? Promise.resolve();
    const sent = previous
      .then(() => this.sequence.next(room))
      .then((seq) => {
        (target.to(room) as unknown as { emit: (e: string, p: unknown) => void }).emit(event, { ...payload, meta: { room, seq } });
      })
      .catch(() => undefined);
    this.tails.set(room, sent);
    void sent.finally(() => {
      if (this.tails.get(room) === sent) this.tails.delete(room);
    });
    return sent;
  }

  /**
   * One emit to the union of `targetRooms` (a socket in several gets it once), unnumbered: for events
   * that carry their own order (chat messages have a per-chat seq). One Redis publish however many rooms.
   */
  emitToRooms<E extends keyof ServerToClientEvents>(targetRooms: string[], event: E, payload: Payload<E>): void {
    if (!this.target || !targetRooms.length) return;
    (this.target.to(targetRooms) as unknown as { emit: (e: string, p: unknown) => void }).emit(event, payload);
  }

  /** Makes every socket of `fromRoom` (e.g. a user's) join `room` too, on every node. */
  join(fromRoom: string, room: string): void {
    this.target?.in(fromRoom).socketsJoin(room);
  }

  leave(fromRoom: string, room: string): void {
    this.target?.in(fromRoom).socketsLeave(room);
  }

  /** Closes every socket in `room` (e.g. a user's), on every node. */
  disconnect(room: string): void {
    this.target?.in(room).disconnectSockets(true);
  }

  attach(target: Target): void {
    this.target = target;
  }
}
