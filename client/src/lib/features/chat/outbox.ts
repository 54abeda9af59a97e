import type { PendingMessage } from './conversation-log.js';

/**
 * Messages written but not yet acknowledged, kept in the browser so they survive a reload or a closed
 * tab and are sent when the app next runs. Each is stored under its own client id, so two logs of one
 * chat (a tab's open chat and its background resend, or two tabs) never overwrite each other's; the
 * server's idempotency by client id makes a message sent from both arrive once.
 */
export interface Outbox {
  /** What is waiting in one chat, oldest first. */
  load(chatId: string): PendingMessage[];
  /** The chats with something waiting. */
  chats(): string[];
  put(chatId: string, message: PendingMessage): void;
  remove(clientId: string): void;
}

type Stored = Record<string, PendingMessage & { chatId: string }>;

/** The signed-in user's outbox in localStorage (one key per user: a shared computer keeps them apart). */
export function localOutbox(userId: string, storage: Storage | undefined = globalThis.localStorage): Outbox | null {
  if (!storage || !userId) return null;
  const key = `tp.chat.outbox.${userId}`;
  const read = (): Stored => {
    try {
      return (JSON.parse(storage.getItem(key) ?? '{}') as Stored) ?? {};
    } catch {
      return {};
    }
  };
  const write = (all: Stored) => {
    try {
      if (Object.keys(all).length) storage.setItem(key, JSON.stringify(all));
      else storage.removeItem(key);
    } catch {
      // Storage full or refused (private mode): the message still goes while this tab stays open.
    }
  };
  return {
    load: (chatId) =>
      Object.values(read())
        .filter((m) => m.chatId === chatId)
        .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt))
        // A send cut short by the reload is simply queued again (same client id).
        .map(({ chatId: _chat, ...m }) => ({ ...m, state: m.state === 'sending' ? 'queued' : m.state })),
    chats: () => [...new Set(Object.values(read()).map((m) => m.chatId))],
    put: (chatId, message) => write({ ...read(), [message.clientId]: { ...message, chatId } }),
    remove: (clientId) => {
      const all = read();
      if (!(clientId in all)) return;
      delete all[clientId];
      write(all);
    },
  };
}
