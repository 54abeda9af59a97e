import type { ChatDto, ChatMessageDto, ChatMessagePayload, ChatReadPayload } from '@tp/shared';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { getSocket, onResync, onSocket } from '$lib/api/socket.js';
import { session } from '$features/auth/session.svelte.js';
import { chatApi } from './chat.api.js';
import { Conversation, socketTransport } from './conversation.svelte.js';
import { ConversationLog } from './conversation-log.js';
import { localOutbox, type Outbox } from './outbox.js';

/** A "typing…" line stays this long after the last notice. */
const TYPING_SHOWN_MS = 4_000;

const activity = (chat: ChatDto) => chat.lastMessage?.createdAt ?? '';

/**
 * Every chat of the signed-in user with unread counts, presence and typing, kept live by socket
 * events; after a reconnect the list and the open conversation are loaded again from the server.
 */
class ChatsState {
  list = $state<ChatDto[]>([]);
  loaded = $state(false);
  error = $state<unknown>(null);
  readonly online = new SvelteSet<string>();
  readonly typing = new SvelteMap<string, { name: string; until: number }>();
  active = $state<Conversation | null>(null);
  totalUnread = $derived(this.list.reduce((sum, chat) => sum + chat.unread, 0));
  private followers = 0;
  private stops: Array<() => void> = [];
  private readSent = new Map<string, number>();
  /** Chats whose unsent messages are being resent without being open. */
  private resending = new Map<string, ConversationLog>();

  private get me(): ChatMessageDto['sender'] {
    const user = session.user;
    return { id: user?.id ?? '', name: user ? `${user.firstName} ${user.lastName}`.trim() : '', role: session.role ?? 'student' };
  }

  /** Keeps the list live while anything shows it; returns the stop function. */
  follow(): () => void {
    if (this.followers++ === 0) {
      void this.load();
      this.stops = [
        onSocket('chat:message', (payload) => this.received(payload)),
        onSocket('chat:read', (payload) => this.readMoved(payload)),
        onSocket('chat:typing', ({ chatId, name }) => this.typing.set(chatId, { name, until: Date.now() + TYPING_SHOWN_MS })),
        onSocket('presence:changed', ({ userId, online }) => (online ? this.online.add(userId) : this.online.delete(userId))),
        onResync(({ reconnect }) => {
          if (reconnect) {
            void this.load();
            void this.active?.log.reconnected().catch(() => undefined);
          } else void this.active?.log.flush();
          this.resendOutbox();
        }),
      ];
      this.resendOutbox();
    }
    return () => {
      if (--this.followers > 0) return;
      this.stops.forEach((stop) => stop());
      this.stops = [];
    };
  }

  async load(): Promise<void> {
    try {
      const [list, presence] = await Promise.all([chatApi.list(), chatApi.presence()]);
      this.list = list;
      this.online.clear();
      presence.online.forEach((id) => this.online.add(id));
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loaded = true;
    }
  }

  chat(chatId: string): ChatDto | undefined {
    return this.list.find((c) => c.id === chatId);
  }

  open(chatId: string | null): Conversation | null {
    if (this.active?.chatId === chatId) return this.active;
    this.active?.log.dispose();
    this.active = chatId ? new Conversation(chatId, this.me, this.outbox()) : null;
    void this.active?.load();
    return this.active;
  }

  /** Opens (or finds) the 1:1 chat with someone and puts it in the list. */
  async direct(userId: string): Promise<ChatDto> {
    const chat = await chatApi.openDirect(userId);
    if (!this.chat(chat.id)) this.list = [chat, ...this.list];
    return chat;
  }

  typingIn(chatId: string, now: number): string | null {
    const entry = this.typing.get(chatId);
    return entry && entry.until > now ? entry.name : null;
  }

  /** The user saw the chat up to `seq`: told to the server once per position. */
  markRead(chatId: string, seq: number): void {
    const chat = this.chat(chatId);
    if (!chat || seq <= chat.lastReadSeq || (this.readSent.get(chatId) ?? 0) >= seq) return;
    const socket = getSocket();
    // Offline, the position is not taken as told: the next look after the reconnect tells it.
    if (!socket.connected) return;
    this.readSent.set(chatId, seq);
    socket.emit('chat:read', { chatId, seq });
  }

  notifyTyping(chatId: string): void {
    const socket = getSocket();
    if (socket.connected) socket.emit('chat:typing', { chatId });
  }

  private outbox(): Outbox | null {
    return typeof localStorage === 'undefined' ? null : localOutbox(this.me.id);
  }

  /**
   * Sends what was written in an earlier page load (or while a chat was closed) and is still in the
   * outbox, chat by chat, without opening the chats. The open chat's own log sends its share.
   */
  private resendOutbox(): void {
    const outbox = this.outbox();
    if (!outbox || !socketTransport.isConnected()) return;
    for (const chatId of outbox.chats()) {
      if (chatId === this.active?.chatId || this.resending.has(chatId)) continue;
      const log = new ConversationLog(chatId, socketTransport, this.me, () => {}, outbox);
      this.resending.set(chatId, log);
      void log.flush().finally(() => {
        log.dispose();
        this.resending.delete(chatId);
      });
    }
  }

  private received({ chatId, message }: ChatMessagePayload): void {
    this.active?.log.receive(message);
    this.typing.delete(chatId);
    const chat = this.chat(chatId);
    if (!chat) return void this.load();
    const mine = message.sender.id === this.me.id;
    const isNew = message.seq > chat.lastSeq;
    const counted = !mine && message.seq > chat.lastReadSeq;
    let unread = chat.unread;
    if (isNew && counted && !message.deleted) unread += 1;
    // A deletion of a message this user had not read yet takes it off the count.
    if (!isNew && counted && message.deleted) unread = Math.max(0, unread - 1);
    const updated: ChatDto = {
      ...chat,
      unread,
      lastSeq: Math.max(chat.lastSeq, message.seq),
      lastReadSeq: mine && isNew ? message.seq : chat.lastReadSeq,
      lastMessage: !chat.lastMessage || message.seq >= chat.lastMessage.seq ? message : chat.lastMessage,
    };
    this.list = [updated, ...this.list.filter((c) => c.id !== chatId)].sort((a, b) => activity(b).localeCompare(activity(a)));
  }

  private readMoved({ chatId, userId, seq, unread }: ChatReadPayload): void {
    this.list = this.list.map((chat) => {
      if (chat.id !== chatId) return chat;
      if (userId === this.me.id) return { ...chat, lastReadSeq: Math.max(chat.lastReadSeq, seq), unread: unread ?? chat.unread };
      return { ...chat, peerReadSeq: Math.max(chat.peerReadSeq ?? 0, seq) };
    });
  }
}

export const chats = new ChatsState();
