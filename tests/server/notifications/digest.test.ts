import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../setup/app.js';
import { buildGroup } from '../../factories/groups.js';
import type { SmtpSink } from '../../fakes/smtp-sink.js';
import type { ManualClock } from '../../../server/src/infra/clock.js';
import { CHAT_DIGEST, DIGEST_GAP_MS } from '../../../server/src/modules/notifications/notifications.triggers.js';
import { connected, send } from '../chat/helpers.js';
import { MINUTE, rowsOf, setPreferences, sleep, appWithMailSink } from './support.js';

let app: TestApp;
let sink: SmtpSink;
let mailsTo: (email: string) => SmtpSink['messages'];

beforeAll(async () => {
  ({ app, sink, mailsTo } = await appWithMailSink());
});

const clock = () => app.clock as ManualClock;

describe('chat messages while away, by email', () => {
  it('at most one email an hour: the first missed message is mailed, later ones wait for the hour and come together', async () => {
    const built = await buildGroup(app, { studentCount: 2 });
    const [away, muted] = built.students as [typeof built.students[0], typeof built.students[0]];
    await setPreferences(app, muted.token, { chat_direct: { inApp: true, email: false } });
    const teacher = await connected(app, built.teacher.token);
    const actor = { userId: built.teacher.user.id, role: 'teacher' as const };
    const toAway = await app.ctx.services.chat.openDirect(actor, away.user.id);
    const toMuted = await app.ctx.services.chat.openDirect(actor, muted.user.id);

    await send(teacher, toAway.id, 'Первое сообщение');
    await send(teacher, toMuted.id, 'Тебе тоже');
    const first = await sink.waitFor((m) => m.to.includes(away.user.email), 20_000);
    expect(first.subject).toMatch(/^(New messages|Новые сообщения) \(1\)$/);
    expect(first.text).toContain('Первое сообщение');
    const sentAt = clock().now().getTime();

    clock().advance(10 * MINUTE);
    await send(teacher, toAway.id, 'Второе');
    await send(teacher, toAway.id, 'Третье');
    // (Rows read straight from the database: the test clock moved past the access tokens' lifetime.)
    const rowsFor = async (userId: string) => (await rowsOf(app.databaseUrl, 'chat_direct')).filter((r) => r.user_id === userId);
    await expect.poll(async () => (await rowsFor(away.user.id)).length).toBe(3);
    const due = await app.ctx.services.jobs.scheduler.scheduledAt(CHAT_DIGEST, away.user.id);
    expect(Math.abs(due!.getTime() - (sentAt + DIGEST_GAP_MS))).toBeLessThan(2_000);

    // A run inside the hour (a repeat, a second worker) sends nothing.
    await app.ctx.services.notificationTriggers.sendDigest(away.user.id);
    await sleep(2_000);
    expect(mailsTo(away.user.email)).toHaveLength(1);

    clock().advance(50 * MINUTE);
    await Promise.all([app.ctx.services.notificationTriggers.sendDigest(away.user.id), app.ctx.services.notificationTriggers.sendDigest(away.user.id)]);
    const second = await sink.waitFor((m) => m.to.includes(away.user.email) && m !== first, 20_000);
    expect(second.subject).toMatch(/\(2\)$/);
    expect(second.text).toContain('Второе');
    expect(second.text).toContain('Третье');
    expect(second.text).not.toContain('Первое сообщение');
    await sleep(2_000);
    expect(mailsTo(away.user.email)).toHaveLength(2);
    expect(mailsTo(muted.user.email)).toHaveLength(0);
    expect((await rowsFor(muted.user.id)).map((r) => r.visible)).toEqual([true]);
    teacher.disconnect();
  }, 60_000);
});
