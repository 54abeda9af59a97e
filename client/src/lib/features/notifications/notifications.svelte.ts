import { rooms } from '@tp/shared/constants';
import type { NotificationDto, NotificationNewPayload, NotificationReadPayload } from '@tp/shared';
import { onResync, onSocket, trackRoom } from '$lib/api/socket.js';
import { notificationsApi } from './notifications.api.js';

const PAGE = 20;

/**
 * The signed-in user's bell: the newest notifications and the unread count, kept live by
 * `notification:new` / `notification:read` on the user's room (every tab, every node); a gap in the
 * room's numbering or a reconnect loads the first page again.
 */
class NotificationsState {
  items = $state<NotificationDto[]>([]);
  unread = $state(0);
  hasMore = $state(false);
  loaded = $state(false);
  error = $state<unknown>(null);
  busy = $state(false);
  private stops: Array<() => void> = [];
  private userId: string | null = null;

  /** Starts following the user's bell; returns the stop function. */
  follow(userId: string): () => void {
    this.stop();
    this.userId = userId;
    void this.load();
    this.stops = [
      trackRoom(rooms.user(userId), () => void this.load()),
      onSocket('notification:new', (payload) => this.arrived(payload)),
      onSocket('notification:read', (payload) => this.wasRead(payload)),
      onResync(({ reconnect }) => {
        if (reconnect) void this.load();
      }),
    ];
    return () => this.stop();
  }

  private stop(): void {
    this.stops.forEach((stop) => stop());
    this.stops = [];
    this.userId = null;
    this.items = [];
    this.unread = 0;
    this.loaded = false;
  }

  /** The newest page (a snapshot: replaces what is shown). */
  async load(): Promise<void> {
    if (!this.userId) return;
    try {
      const page = await notificationsApi.page(undefined, PAGE);
      this.items = page.items;
      this.unread = page.unread;
      this.hasMore = page.hasMore;
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loaded = true;
    }
  }

  async loadMore(): Promise<void> {
    const last = this.items.at(-1);
    if (!last || this.busy) return;
    this.busy = true;
    try {
      const page = await notificationsApi.page(last.id, PAGE);
      const known = new Set(this.items.map((n) => n.id));
      this.items = [...this.items, ...page.items.filter((n) => !known.has(n.id))];
      this.hasMore = page.hasMore;
      this.unread = page.unread;
    } finally {
      this.busy = false;
    }
  }

  async markRead(id: string): Promise<void> {
    const item = this.items.find((n) => n.id === id);
    if (!item || item.read) return;
    item.read = true;
    this.unread = Math.max(0, this.unread - 1);
    this.unread = (await notificationsApi.markRead(id)).unread;
  }

  async markAllRead(): Promise<void> {
    this.items.forEach((n) => (n.read = true));
    this.unread = 0;
    this.unread = (await notificationsApi.markAllRead()).unread;
  }

  private arrived({ notification, unread }: NotificationNewPayload): void {
    if (!this.items.some((n) => n.id === notification.id)) this.items = [notification, ...this.items];
    this.unread = unread;
  }

  private wasRead({ ids, all, unread }: NotificationReadPayload): void {
    const read = new Set(ids);
    for (const n of this.items) if (all || read.has(n.id)) n.read = true;
    this.unread = unread;
  }
}

export const notifications = new NotificationsState();
