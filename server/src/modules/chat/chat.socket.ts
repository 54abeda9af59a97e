import type { z } from 'zod';
import { chatDeletePayload, chatEditPayload, chatReadPayload, chatSendPayload, chatTypingPayload, type ErrorCode } from '@tp/shared';
import { AppError } from '../../infra/errors.js';
import type { AppContext } from '../index.js';
import type { AppSocket } from '../../io.js';

type AckFn = (result: { ok: true; data: unknown } | { ok: false; error: { code: ErrorCode; message: string } }) => void;

/** A typing notice per chat goes out at most this often from one socket. */
const TYPING_EVERY_MS = 2_000;

/**
 * `chat:send`, `chat:edit`, `chat:delete`, `chat:read`, `chat:typing`. Every payload is parsed with
 * its shared schema; anything malformed or refused gets an error ack, and nothing a client sends can
 * throw out of a handler.
 */
export function chatSocket(ctx: AppContext, socket: AppSocket): void {
  const chat = ctx.services.chat;
  const actor = () => ({ userId: socket.data.userId, role: socket.data.role });
  const { presence } = ctx.services;
  presence.connected(socket.data.userId);
  socket.on('disconnect', () => presence.disconnected(socket.data.userId));

  const handle = <S extends z.ZodType>(event: string, schema: S, run: (input: z.infer<S>) => Promise<unknown>) => {
    socket.on(event as 'chat:send', (payload: unknown, ack: unknown) => {
      const reply: AckFn = typeof ack === 'function' ? (ack as AckFn) : () => {};
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        reply({ ok: false, error: { code: 'request/invalid', message: parsed.error.issues.map((i) => `${i.path.join('.') || '_'}: ${i.message}`).join('; ') } });
        return;
      }
      run(parsed.data).then(
        (data) => reply({ ok: true, data }),
        (error: unknown) => {
          if (error instanceof AppError) return reply({ ok: false, error: { code: error.code, message: error.message } });
          ctx.infra.logger.error({ err: error, event }, 'chat event failed');
          reply({ ok: false, error: { code: 'internal/error', message: 'Something went wrong' } });
        },
      );
    });
  };

  handle('chat:send', chatSendPayload, (input) => chat.send(actor(), input));
  handle('chat:edit', chatEditPayload, (input) => chat.edit(actor(), input.chatId, input.messageId, input.text));
  handle('chat:delete', chatDeletePayload, (input) => chat.delete(actor(), input.chatId, input.messageId));
  handle('chat:read', chatReadPayload, (input) => chat.read(actor(), input.chatId, input.seq));

  const lastTyping = new Map<string, number>();
  handle('chat:typing', chatTypingPayload, async ({ chatId }) => {
    const now = performance.now();
    if (now - (lastTyping.get(chatId) ?? 0) < TYPING_EVERY_MS) return null;
    if (lastTyping.size > 100) lastTyping.clear();
    lastTyping.set(chatId, now);
    await chat.typing(actor(), chatId);
    return null;
  });
}
