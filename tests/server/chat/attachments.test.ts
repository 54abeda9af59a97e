import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ChatMessagePayload } from '@tp/shared';
import { createTestApp, nextEventMatching, type TestApp } from '../../setup/app.js';
import type { ManualClock } from '../../../server/src/infra/clock.js';
import { buildGroup } from '../../factories/groups.js';
import { connected, groupChat, send, wholeHistory } from './helpers.js';

/** A real 1 × 1 PNG: images are decoded for their preview, so a broken one is refused. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]);
const HTML = Buffer.from('<html><script>alert(1)</script></html>');

describe('chat attachments', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { CHAT_SEND_BURST: '0', DATA_DIR: `/tmp/tp-chat-files-${process.pid}` } });
  });
  const upload = (token: string, chatId: string, name: string, data: Buffer) =>
    request(app.url).post('/api/attachments').query({ chatId }).set('Authorization', `Bearer ${token}`).attach('file', data, name);

  it('a photo and a PDF go into a message; members get signed links that expire; types come from the content', async () => {
    const { group, teacher, students } = await buildGroup(app, { studentCount: 1 });
    const outsider = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, teacher.token, group.id);
    const photo = await upload(students[0]!.token, chat.id, 'holiday.pdf', PNG);
    expect(photo.status).toBe(201);
    expect(photo.body).toMatchObject({ name: 'holiday.pdf', size: PNG.length, mime: 'image/png' });
    const pdf = await upload(students[0]!.token, chat.id, '../../etc/passwd.pdf', PDF);
    expect(pdf.body, JSON.stringify(pdf.body)).toMatchObject({ mime: 'application/pdf', name: 'passwd.pdf' });

    const teach = await connected(app, teacher.token);
    const student = await connected(app, students[0]!.token);
    const arrived = nextEventMatching<ChatMessagePayload>(teach, 'chat:message', (p) => p.message.attachments.length === 2);
    expect(await send(student, chat.id, '', { attachmentIds: [photo.body.id, pdf.body.id] })).toMatchObject({ ok: true });
    expect((await arrived).message.attachments.map((a) => a.mime)).toEqual(['image/png', 'application/pdf']);
    expect((await wholeHistory(app, teacher.token, chat.id))[0]!.attachments).toHaveLength(2);
    // An attachment goes out once, and only by its uploader.
    expect(await send(student, chat.id, 'again', { attachmentIds: [photo.body.id] })).toMatchObject({ ok: false, error: { code: 'attachment/not-found' } });

    const link = await request(app.url).get(`/api/attachments/${photo.body.id}/link`).set('Authorization', `Bearer ${teacher.token}`);
    expect(link.status).toBe(200);
    const file = await request(app.url).get(link.body.url);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);
    expect((await request(app.url).get(`/api/attachments/${photo.body.id}/link`).set('Authorization', `Bearer ${outsider.students[0]!.token}`)).status).toBe(404);
    const url = link.body.url as string;
    const middle = url.length - 20;
    const tampered = `${url.slice(0, middle)}${url[middle] === 'A' ? 'B' : 'A'}${url.slice(middle + 1)}`;
    expect((await request(app.url).get(tampered)).status).toBe(404);
    (app.clock as ManualClock).advance(61 * 60_000);
    expect((await request(app.url).get(link.body.url)).status).toBe(404);
  });

  it('refuses unknown or dangerous types, files over 20 MB, empty uploads and strangers', async () => {
    const { group, students } = await buildGroup(app, { studentCount: 1 });
    const outsider = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, students[0]!.token, group.id);
    expect((await upload(students[0]!.token, chat.id, 'setup.png', EXE)).body.error.code).toBe('attachment/refused');
    expect((await upload(students[0]!.token, chat.id, 'page.pdf', HTML)).status).toBe(415);
    const big = Buffer.concat([PNG, Buffer.alloc(20 * 1024 * 1024)]);
    expect((await upload(students[0]!.token, chat.id, 'big.png', big)).status).toBe(413);
    expect((await upload(outsider.students[0]!.token, chat.id, 'x.png', PNG)).status).toBe(404);
    const noFile = await request(app.url).post('/api/attachments').query({ chatId: chat.id }).set('Authorization', `Bearer ${students[0]!.token}`).send({ file: 'x' });
    expect(noFile.status).toBe(400);
  });
});
