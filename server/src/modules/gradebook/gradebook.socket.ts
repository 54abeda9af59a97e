import { gradebookRooms, gradebookWatchPayload, type ErrorCode } from '@tp/shared';
import { AppError } from '../../infra/errors.js';
import type { AppContext } from '../index.js';
import type { AppSocket } from '../../io.js';

type AckFn = (result: { ok: true; data: unknown } | { ok: false; error: { code: ErrorCode; message: string } }) => void;

/**
 * `gradebook:watch` answers with the snapshot the socket may see and joins its room — the table's
 * (`gradebook:<groupId>`, teacher and admins) or the student's own (`gradebook:<groupId>:<studentId>`)
 * — so it never hears another student's row. `gradebook:unwatch` leaves both.
 */
export function gradebookSocket(ctx: AppContext, socket: AppSocket): void {
  const gradebook = ctx.services.gradebook;
  const actor = () => ({ userId: socket.data.userId, role: socket.data.role });
  const reply = (ack: unknown): AckFn => (typeof ack === 'function' ? (ack as AckFn) : () => {});
  const fail = (ack: AckFn, error: unknown) => {
    if (error instanceof AppError) return ack({ ok: false, error: { code: error.code, message: error.message } });
    ctx.infra.logger.error({ err: error }, 'gradebook watch failed');
    ack({ ok: false, error: { code: 'internal/error', message: 'Something went wrong' } });
  };

  socket.on('gradebook:watch', (payload: unknown, ack: unknown) => {
    const answer = reply(ack);
    const parsed = gradebookWatchPayload.safeParse(payload);
    if (!parsed.success) return answer({ ok: false, error: { code: 'request/invalid', message: 'Expected { groupId }' } });
    const { groupId } = parsed.data;
    void (async () => {
      const access = await gradebook.access(actor(), groupId);
      // join first: an event numbered after the snapshot's seq is then never missed
      const room = access.view === 'table' ? gradebookRooms.group(groupId) : gradebookRooms.student(groupId, socket.data.userId);
      await socket.join(room);
      answer({ ok: true, data: await gradebook.gradebook(actor(), groupId) });
    })().catch((error: unknown) => fail(answer, error));
  });

  socket.on('gradebook:unwatch', (payload: unknown, ack: unknown) => {
    const answer = reply(ack);
    const parsed = gradebookWatchPayload.safeParse(payload);
    if (!parsed.success) return answer({ ok: false, error: { code: 'request/invalid', message: 'Expected { groupId }' } });
    const { groupId } = parsed.data;
    void Promise.all([socket.leave(gradebookRooms.group(groupId)), socket.leave(gradebookRooms.student(groupId, socket.data.userId))]).then(
      () => answer({ ok: true, data: { groupId } }),
      (error: unknown) => fail(answer, error),
    );
  });
}
