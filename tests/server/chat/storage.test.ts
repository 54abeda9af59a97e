import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import sharp from 'sharp';
import { AwsClient } from 'aws4fetch';
import type { AttachmentLinkDto } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import type { ManualClock } from '../../../server/src/infra/clock.js';
import { startFakeS3, type FakeS3 } from '../../fakes/s3.js';
import { buildGroup } from '../../factories/groups.js';
import { groupChat } from './helpers.js';
import { pngClaiming, sidewaysJpeg } from './images.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');

/** The attachment flow, the same on each storage: what differs is only where the bytes live. */
describe.each([
  ['the local disk', false],
  ['an S3-compatible store', true],
])('chat files on %s', (_where, useS3) => {
  let app: TestApp;
  let s3: FakeS3 | null = null;
  beforeAll(async () => {
    s3 = useS3 ? await startFakeS3() : null;
    app = await createTestApp({ env: { CHAT_SEND_BURST: '0', DATA_DIR: `/tmp/tp-chat-storage-${process.pid}`, ...(s3?.env() ?? {}) } });
  });
  afterAll(() => s3?.close());

  const upload = (token: string, chatId: string, name: string, data: Buffer) =>
    request(app.url).post('/api/attachments').query({ chatId }).set('Authorization', `Bearer ${token}`).attach('file', data, name);
  const linkFor = (token: string, id: string) => request(app.url).get(`/api/attachments/${id}/link`).set('Authorization', `Bearer ${token}`);
  const fetchFile = (url: string) => request(app.url).get(url).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

  it('a photo is kept with an upright preview; members read both through links that expire; strangers get nothing', async () => {
    const { group, students, teacher } = await buildGroup(app, { studentCount: 1 });
    const stranger = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, students[0]!.token, group.id);
    const photo = await sidewaysJpeg(800, 400);
    const stored = s3?.objects.size ?? 0;

    const up = await upload(students[0]!.token, chat.id, 'доска.jpg', photo);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({ mime: 'image/jpeg', size: photo.length, thumbnail: true });
    // The original and its preview, side by side in the bucket.
    if (s3) {
      const [originalKey, previewKey] = [...s3.objects.keys()].slice(stored);
      expect(originalKey).toMatch(/^attachments\/[A-Za-z0-9_-]{32}$/);
      expect(previewKey).toBe(`${originalKey}-thumb`);
    }

    const link = await linkFor(teacher.token, up.body.id);
    expect(link.status).toBe(200);
    const { url, thumbnailUrl } = link.body as AttachmentLinkDto;
    const original = await fetchFile(url);
    expect(original.status).toBe(200);
    expect(original.headers['content-type']).toBe('image/jpeg');
    expect(Buffer.compare(original.body as Buffer, photo)).toBe(0);

    const preview = await fetchFile(thumbnailUrl!);
    expect(preview.status).toBe(200);
    expect(preview.headers['content-type']).toBe('image/webp');
    // 800 × 400 stored sideways shows as 400 × 800; the preview's longer side is 320.
    expect(await sharp(preview.body as Buffer).metadata()).toMatchObject({ format: 'webp', width: 160, height: 320 });

    expect((await linkFor(stranger.students[0]!.token, up.body.id)).status).toBe(404);
    (app.clock as ManualClock).advance(61 * 60_000);
    expect((await fetchFile(url)).status).toBe(404);
    expect((await fetchFile(thumbnailUrl!)).status).toBe(404);
    if (s3) expect(s3.refused).toEqual([]);
  });

  it('a PDF has no preview; a decompression bomb and a broken image are refused and nothing is stored', async () => {
    const { group, students } = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, students[0]!.token, group.id);
    const pdf = await upload(students[0]!.token, chat.id, 'задание.pdf', PDF);
    expect(pdf.body).toMatchObject({ mime: 'application/pdf', thumbnail: false });
    const link = (await linkFor(students[0]!.token, pdf.body.id)).body as AttachmentLinkDto;
    expect(link.thumbnailUrl).toBeNull();
    expect(Buffer.compare((await fetchFile(link.url)).body as Buffer, PDF)).toBe(0);
    // A bigger file streams through whole, its length announced.
    const big = Buffer.concat([PDF, randomBytes(3 * 1024 * 1024)]);
    const bigUp = await upload(students[0]!.token, chat.id, 'scan.pdf', big);
    const bigFile = await fetchFile(((await linkFor(students[0]!.token, bigUp.body.id)).body as AttachmentLinkDto).url);
    expect(bigFile.headers['content-length']).toBe(String(big.length));
    expect(Buffer.compare(bigFile.body as Buffer, big)).toBe(0);

    const stored = s3?.objects.size ?? 0;
    const bomb = await pngClaiming(30_000);
    expect(bomb.length).toBeLessThan(200);
    const refused = await upload(students[0]!.token, chat.id, 'bomb.png', bomb);
    expect(refused.status).toBe(415);
    expect(refused.body.error).toMatchObject({ code: 'attachment/refused', message: expect.stringMatching(/too large/) });
    const broken = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
    expect((await upload(students[0]!.token, chat.id, 'broken.png', broken)).body.error.code).toBe('attachment/refused');
    if (s3) expect(s3.objects.size).toBe(stored);
  });

  // Only the S3 store can be told to fail on cue.
  if (useS3) it('when the store fails midway, the upload fails whole: no row, no file left behind', async () => {
    const { group, students } = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, students[0]!.token, group.id);
    const stored = s3!.objects.size;
    s3!.failing = (method, key) => method === 'PUT' && key.endsWith('-thumb');
    try {
      const res = await upload(students[0]!.token, chat.id, 'photo.jpg', await sidewaysJpeg(40, 20));
      expect(res.status).toBe(500);
    } finally {
      s3!.failing = null;
    }
    expect(s3!.objects.size).toBe(stored);
    const rows = await app.infra.orm.em.fork().getConnection().execute(`select count(*)::int as n from chat_attachments where chat_id = ?`, [chat.id]);
    expect(rows[0].n).toBe(0);
  });
});

describe('the S3-compatible test store checks signatures as a real one does', () => {
  let s3: FakeS3;
  beforeAll(async () => {
    s3 = await startFakeS3();
  });
  afterAll(() => s3.close());
  const client = (secretAccessKey = s3.secretAccessKey) => new AwsClient({ accessKeyId: s3.accessKeyId, secretAccessKey, service: 's3', region: s3.region, retries: 0 });
  const objectUrl = (key: string) => `${s3.url}/${s3.bucket}/${key}`;

  it('takes signed requests and refuses a wrong secret, a changed body, and an expired presigned link', async () => {
    const put = await client().fetch(objectUrl('a/b c'), { method: 'PUT', body: 'hello' });
    expect(put.status).toBe(200);
    expect(s3.objects.get('a/b c')?.body.toString()).toBe('hello');
    expect((await client('wrong').fetch(objectUrl('a/b c'))).status).toBe(403);
    expect(s3.refused.at(-1)?.code).toBe('SignatureDoesNotMatch');

    // The signature covers the body's hash: a body other than the hashed one is refused.
    const signed = await client().sign(objectUrl('x'), { method: 'PUT', body: 'one', headers: { 'X-Amz-Content-Sha256': createHash('sha256').update('one').digest('hex') } });
    expect((await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'two' })).status).toBe(400);
    expect(s3.objects.has('x')).toBe(false);

    const presigned = await client().sign(`${objectUrl('a/b c')}?X-Amz-Expires=60`, { aws: { signQuery: true } });
    const got = await fetch(presigned.url);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('hello');
    const tampered = new URL(presigned.url);
    tampered.pathname = `/${s3.bucket}/other`;
    expect((await fetch(tampered)).status).toBe(403);
    const anHourAgo = new Date(Date.now() - 3600_000).toISOString().replace(/[:-]|\.\d{3}/g, '');
    const expired = await client().sign(`${objectUrl('a/b c')}?X-Amz-Expires=60`, { aws: { signQuery: true, datetime: anHourAgo } });
    expect((await fetch(expired.url)).status).toBe(403);
    expect(s3.refused.at(-1)?.code).toBe('AccessDenied');
    expect((await fetch(objectUrl('a/b c'))).status).toBe(403);

    expect((await client().fetch(objectUrl('a/b c'), { method: 'DELETE' })).status).toBe(204);
    expect((await client().fetch(objectUrl('a/b c'), { method: 'HEAD' })).status).toBe(404);
  });
});
