import type { ChatMessageDto } from '@tp/shared';
import { getSocket } from '$lib/api/socket.js';
import { chatApi } from './chat.api.js';
import { ConversationLog, type ChatTransport, type PendingMessage, type SendResult } from './conversation-log.js';
import type { Outbox } from './outbox.js';

/** How long a send waits for the server's ack before it counts as unanswered (and is resent). */
const ACK_TIMEOUT_MS = 8_000;

/** Sends over the app's socket with an ack, reads history over HTTP. */
export const socketTransport: ChatTransport = {
  isConnected: () => getSocket().connected,
  send: (payload) => getSocket().timeout(ACK_TIMEOUT_MS).emitWithAck('chat:send', payload) as Promise<SendResult>,
  history: (id, page) => chatApi.history(id, page),
};

/** The open chat: the framework-free log, with a version counter so the page re-renders on change. */
export class Conversation {
  private version = $state(0);
  readonly log: ConversationLog;
  messages = $derived.by<ChatMessageDto[]>(() => (this.version, this.log.messages));
  pending = $derived.by<PendingMessage[]>(() => (this.version, this.log.pending));
  hasOlder = $derived.by(() => (this.version, this.log.hasOlder));
  loaded = $derived.by(() => (this.version, this.log.loaded));
  error = $state<unknown>(null);

  constructor(
    readonly chatId: string,
    self: ChatMessageDto['sender'],
    outbox: Outbox | null = null,
  ) {
    this.log = new ConversationLog(chatId, socketTransport, self, () => this.version++, outbox);
  }

  async load(): Promise<void> {
    try {
      await this.log.load();
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }
}
