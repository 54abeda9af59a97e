import type { AttachmentDto, ChatHistoryDto, ChatMessageDto, SendAckDto } from '@tp/shared';
import type { Outbox } from './outbox.js';

/** The server's answer to one emit; a transport rejects when no answer came (offline, timeout). */
export type SendResult = { ok: true; data: SendAckDto } | { ok: false; error: { code: string; message: string } };

/** What a conversation needs from the outside: the socket's send, the history endpoint, a clock for ids. */
export interface ChatTransport {
  isConnected(): boolean;
  send(payload: { chatId: string; clientId: string; text: string; replyTo?: string; attachmentIds?: string[] }): Promise<SendResult>;
  history(chatId: string, page: { before?: number; after?: number; around?: number; limit?: number }): Promise<ChatHistoryDto>;
}

export interface PendingMessage {
  clientId: string;
  text: string;
  replyTo: ChatMessageDto | null;
  attachments: AttachmentDto[];
  state: 'queued' | 'sending' | 'failed';
  error: string | null;
  queuedAt: string;
}

/** Errors after which a resend cannot succeed: the message stays, marked failed, for the user to see. */
const FINAL_ERRORS = new Set(['request/invalid', 'chat/not-found', 'chat/read-only', 'auth/forbidden']);

const newClientId = () => {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return random.replace(/[^A-Za-z0-9_-]/g, '');
};

/**
 * One chat as a client holds it: messages by the server's seq (the only order), what the user wrote
 * but the server has not acknowledged (kept across disconnects, resent with the same client id so a
 * retry never doubles), and the catch-up after a reconnect or a gap. No framework: the page's state
 * class and the tests drive the same code.
 */
export class ConversationLog {
  /** Known messages, ascending by seq; always one contiguous run from `oldestSeq` to `newestSeq`. */
  messages: ChatMessageDto[] = [];
  private waiting: PendingMessage[];
  hasOlder = true;
  loaded = false;
  private flushing: Promise<void> | null = null;
  private catchingUp: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly chatId: string,
    private readonly transport: ChatTransport,
    /** The signed-in user, the sender of what is written here. */
    readonly self: ChatMessageDto['sender'],
    private readonly changed: () => void = () => {},
    /** Where unsent messages outlive the page; what it holds for this chat is queued at once. */
    private readonly outbox: Outbox | null = null,
  ) {
    this.waiting = outbox?.load(chatId) ?? [];
  }

  /** Written but not yet acknowledged, in the order written; every change is mirrored to the outbox. */
  get pending(): PendingMessage[] {
    return this.waiting;
  }

  set pending(next: PendingMessage[]) {
    if (this.outbox) {
      const kept = new Set(next.map((p) => p.clientId));
      for (const gone of this.waiting) if (!kept.has(gone.clientId)) this.outbox.remove(gone.clientId);
      for (const item of next) if (!this.waiting.includes(item)) this.outbox.put(this.chatId, item);
    }
    this.waiting = next;
  }

  get newestSeq(): number {
    return this.messages.at(-1)?.seq ?? 0;
  }

  get oldestSeq(): number {
    return this.messages[0]?.seq ?? 0;
  }

  /** The newest page; later calls (a reconnect) catch up from the newest known seq instead. */
  async load(limit = 50): Promise<void> {
    if (this.loaded) return this.catchUp();
    const page = await this.transport.history(this.chatId, { limit });
    this.merge(page.items);
    this.hasOlder = page.hasMore;
    this.loaded = true;
    this.changed();
    // Left from before a reload: sent now (the server keeps a client id's first message only).
    if (this.pending.length) void this.flush();
  }

  /**
   * Makes sure the message `seq` is held, for showing it in context: near ones by paging back, far
   * ones by the page around it, then everything from there to the newest (the run stays contiguous).
   */
  async reveal(seq: number, limit = 50): Promise<void> {
    if (!this.loaded) await this.load(limit);
    if (!this.messages.length || seq >= this.oldestSeq) return;
    if (this.oldestSeq - seq <= 2 * limit) {
      while (this.hasOlder && this.oldestSeq > seq) if (!(await this.loadOlder(limit))) break;
      return;
    }
    const page = await this.transport.history(this.chatId, { around: seq, limit });
    this.messages = [];
    this.merge(page.items);
    this.hasOlder = page.hasMore;
    this.changed();
    await this.catchUp();
  }

  /** Scrolling back: the page before the oldest known message. */
  async loadOlder(limit = 50): Promise<number> {
    if (!this.hasOlder || !this.messages.length) return 0;
    const page = await this.transport.history(this.chatId, { before: this.oldestSeq, limit });
    this.merge(page.items);
    this.hasOlder = page.hasMore;
    this.changed();
    return page.items.length;
  }

  /** Everything after the newest known seq, page by page; concurrent callers share one run. */
  catchUp(): Promise<void> {
    this.catchingUp ??= (async () => {
      try {
        for (;;) {
          const page = await this.transport.history(this.chatId, { after: this.newestSeq, limit: 100 });
          this.merge(page.items);
          if (!page.hasMore || !page.items.length) break;
        }
        this.changed();
      } finally {
        this.catchingUp = null;
      }
    })();
    return this.catchingUp;
  }

  /** A `chat:message` from the server: new, edited or deleted. A gap before it means a catch-up. */
  receive(message: ChatMessageDto): void {
    if (message.chatId !== this.chatId) return;
    if (this.loaded && message.seq > this.newestSeq + 1 && this.messages.length) {
      void this.catchUp().catch(() => undefined);
      return;
    }
    this.merge([message]);
    if (message.sender.id === this.self.id) this.pending = this.pending.filter((p) => p.clientId !== message.clientId);
    this.changed();
  }

  /** Queues a message and sends it when it can (now if connected). */
  write(text: string, options: { replyTo?: ChatMessageDto | null; attachments?: AttachmentDto[] } = {}, at = new Date()): PendingMessage {
    const pending: PendingMessage = { clientId: newClientId(), text, replyTo: options.replyTo ?? null, attachments: options.attachments ?? [], state: 'queued', error: null, queuedAt: at.toISOString() };
    this.pending = [...this.pending, pending];
    this.changed();
    void this.flush();
    return pending;
  }

  /** Sends a failed message again with its own client id (the server may have it already). */
  retry(clientId: string): void {
    this.pending = this.pending.map((p) => (p.clientId === clientId ? { ...p, state: 'queued', error: null } : p));
    this.changed();
    void this.flush();
  }

  discard(clientId: string): void {
    this.pending = this.pending.filter((p) => p.clientId !== clientId);
    this.changed();
  }

  /** After a (re)connect: first what came meanwhile, then what the user wrote meanwhile. */
  async reconnected(): Promise<void> {
    if (this.loaded) await this.catchUp();
    await this.flush();
  }

  /** Sends queued messages one by one, in the order written; stops while offline. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  dispose(): void {
    clearTimeout(this.retryTimer);
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = this.pending.find((p) => p.state === 'queued' || p.state === 'sending');
      if (!next || !this.transport.isConnected()) return;
      this.setState(next.clientId, 'sending', null);
      let result: SendResult;
      try {
        result = await this.transport.send({
          chatId: this.chatId,
          clientId: next.clientId,
          text: next.text,
          ...(next.replyTo ? { replyTo: next.replyTo.id } : {}),
          ...(next.attachments.length ? { attachmentIds: next.attachments.map((a) => a.id) } : {}),
        });
      } catch {
        // No answer: the message may or may not be stored; the same client id makes the resend safe.
        this.setState(next.clientId, 'queued', null);
        if (!this.transport.isConnected()) return;
        continue;
      }
      if (result.ok) {
        this.acknowledged(next, result.data);
        continue;
      }
      if (result.error.code === 'rate/limited' || result.error.code === 'internal/error') {
        this.setState(next.clientId, 'queued', null);
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => void this.flush(), 2_000);
        return;
      }
      this.setState(next.clientId, FINAL_ERRORS.has(result.error.code) ? 'failed' : 'queued', result.error.message);
      if (!FINAL_ERRORS.has(result.error.code)) return;
    }
  }

  /** The ack names the stored message; it shows at once even if its chat:message is still on the way. */
  private acknowledged(pending: PendingMessage, ack: SendAckDto): void {
    this.pending = this.pending.filter((p) => p.clientId !== pending.clientId);
    // A log that only resends (its chat not open) holds no messages and fetches none.
    if (!this.loaded) return this.changed();
    if (!this.messages.some((m) => m.seq === ack.seq) && ack.seq === this.newestSeq + 1) {
      this.merge([{ id: ack.id, chatId: this.chatId, seq: ack.seq, clientId: pending.clientId, sender: this.self, text: pending.text, replyTo: pending.replyTo ? { id: pending.replyTo.id, seq: pending.replyTo.seq, senderName: pending.replyTo.sender.name, text: pending.replyTo.text, deleted: pending.replyTo.deleted } : null, createdAt: ack.createdAt, editedAt: null, deleted: false, attachments: pending.attachments, own: true } as ChatMessageDto & { own: true }]);
    } else if (ack.seq > this.newestSeq) {
      void this.catchUp().catch(() => undefined);
    }
    this.changed();
  }

  private setState(clientId: string, state: PendingMessage['state'], error: string | null): void {
    this.pending = this.pending.map((p) => (p.clientId === clientId ? { ...p, state, error } : p));
    this.changed();
  }

  /** Inserts or replaces by seq, keeping ascending order. */
  private merge(items: ChatMessageDto[]): void {
    if (!items.length) return;
    const bySeq = new Map(this.messages.map((m) => [m.seq, m]));
    for (const item of items) {
      const known = bySeq.get(item.seq);
      // A placeholder made from an ack gives way to the server's full message.
      if (!known || (known as { own?: boolean }).own || item.editedAt !== known.editedAt || item.deleted !== known.deleted || item.text !== known.text) bySeq.set(item.seq, item);
    }
    this.messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
}
