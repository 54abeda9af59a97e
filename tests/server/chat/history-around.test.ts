import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ChatHistoryDto, ChatSearchHitDto } from '@tp/shared';
import { createTestApp, type TestApp } from '../../setup/app.js';
import { buildGroup } from '../../factories/groups.js';
import { connected, groupChat, send } from './helpers.js';

describe('a message in context (history around a seq)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { CHAT_SEND_BURST: '0' } });
  });

  it('a search hit opens with the messages before and after it; the ends of the chat say so', async () => {
    const { group, students } = await buildGroup(app, { studentCount: 1 });
    const stranger = await buildGroup(app, { studentCount: 1 });
    const chat = await groupChat(app, students[0]!.token, group.id);
    const socket = await connected(app, students[0]!.token);
    for (let i = 1; i <= 30; i++) await send(socket, chat.id, i === 10 ? 'Контрольная переносится на четверг' : `m${i}`);
    const get = (query: Record<string, unknown>, token = students[0]!.token) =>
      request(app.url).get(`/api/chats/${chat.id}/messages`).query(query).set('Authorization', `Bearer ${token}`);
    const seqs = (page: ChatHistoryDto) => page.items.map((m) => m.seq);

    const hits = (await request(app.url).get('/api/chats/search').query({ q: 'контрольной' }).set('Authorization', `Bearer ${students[0]!.token}`)).body as ChatSearchHitDto[];
    expect(hits.map((h) => h.message.seq)).toEqual([10]);
    const middle = (await get({ around: hits[0]!.message.seq, limit: 6 })).body as ChatHistoryDto;
    expect(seqs(middle)).toEqual([8, 9, 10, 11, 12, 13]);
    expect(middle).toMatchObject({ hasMore: true, hasNewer: true });

    const start = (await get({ around: 2, limit: 6 })).body as ChatHistoryDto;
    expect(seqs(start)).toEqual([1, 2, 3, 4, 5]);
    expect(start).toMatchObject({ hasMore: false, hasNewer: true });
    const end = (await get({ around: 29, limit: 6 })).body as ChatHistoryDto;
    expect(seqs(end)).toEqual([27, 28, 29, 30]);
    expect(end).toMatchObject({ hasMore: true, hasNewer: false });
    // Past the end: the newest half page, nothing newer.
    expect(seqs((await get({ around: 500, limit: 4 })).body as ChatHistoryDto)).toEqual([29, 30]);

    expect((await get({ around: 10, before: 12 })).status).toBe(400);
    expect((await get({ around: -1 })).status).toBe(400);
    expect((await get({ around: 10 }, stranger.students[0]!.token)).status).toBe(404);
  });
});
