import type { Socket } from 'socket.io-client';
import request from 'supertest';
import type { ChatDto, ChatHistoryDto, ChatMessageDto, ClientToServerEvents, ServerToClientEvents } from '@tp/shared';
import type { TestApp } from '../../setup/app.js';
import { nextEvent } from '../../setup/app.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type AckResult<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

let counter = 0;
/** A fresh client id, as a browser makes one per message. */
export const clientId = () => `c${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export async function connected(app: TestApp, token: string): Promise<ClientSocket> {
  const socket = app.socket(token) as ClientSocket;
  await nextEvent(socket, 'session:ready');
  return socket;
}

/** Emits with an acknowledgement; an unanswered emit rejects after `ms`. */
export function emitAck<T>(socket: ClientSocket, event: string, payload: unknown, ms = 5_000): Promise<AckResult<T>> {
  return (socket.timeout(ms) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<AckResult<T>> }).emitWithAck(event, payload);
}

export const send = (socket: ClientSocket, chatId: string, text: string, extra: Record<string, unknown> = {}) =>
  emitAck<{ id: string; seq: number; createdAt: string }>(socket, 'chat:send', { chatId, clientId: clientId(), text, ...extra });

export async function chatsOf(app: TestApp, token: string): Promise<ChatDto[]> {
  const res = await request(app.url).get('/api/chats').set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`GET /api/chats → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ChatDto[];
}

export async function groupChat(app: TestApp, token: string, groupId: string): Promise<ChatDto> {
  const res = await request(app.url).get(`/api/groups/${groupId}/chat`).set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`group chat → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ChatDto;
}

/** Every message of a chat, oldest first, read page by page backwards as a client scrolls. */
export async function wholeHistory(app: TestApp, token: string, chatId: string): Promise<ChatMessageDto[]> {
  const all: ChatMessageDto[] = [];
  let before: number | undefined;
  for (;;) {
    const res = await request(app.url)
      .get(`/api/chats/${chatId}/messages`)
      .query({ limit: 100, ...(before !== undefined ? { before } : {}) })
      .set('Authorization', `Bearer ${token}`);
    if (res.status !== 200) throw new Error(`history → ${res.status}`);
    const page = res.body as ChatHistoryDto;
    all.unshift(...page.items);
    if (!page.hasMore || !page.items.length) return all;
    before = page.items[0]!.seq;
  }
}
