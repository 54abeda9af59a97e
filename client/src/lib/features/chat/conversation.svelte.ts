import type { ChatMessageDto } from '@tp/shared';
import { getSocket } from '$lib/api/socket.js';
import { chatApi } from './chat.api.js';
import { ConversationLog, type PendingMessage, type SendResult } from './conversation-log.js';

/** How long a send waits for the server's ack before it counts as unanswered (and is resent). */
const ACK_TIMEOUT_MS = 8_000;

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
  ) {
    this.log = new ConversationLog(
      chatId,
      {
        isConnected: () => getSocket().connected,
        send: (payload) => getSocket().timeout(ACK_TIMEOUT_MS).emitWithAck('chat:send', payload) as Promise<SendResult>,
        history: (id, page) => chatApi.history(id, page),
      },
      self,
      () => this.version++,
    );
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
