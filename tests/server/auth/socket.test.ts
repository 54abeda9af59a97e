import { beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, nextEvent, type TestApp } from '../../setup/app.js';
import { buildStudent, buildTeacher, DEFAULT_PASSWORD } from '../../factories/users.js';
import type { ManualClock } from '../../../server/src/infra/clock.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});

describe('socket authentication', () => {
  it.each([
    ['missing', ''],
    ['garbage', 'not-a-jwt-at-all-but-long'],
  ])('refuses a %s token', async (_label, token) => {
    const socket = app.socket(token);
    const error = await nextEvent<Error>(socket, 'connect_error');
    expect(error.message).toBe('auth/unauthenticated');
    expect(socket.connected).toBe(false);
  });

  it('refuses an expired token', async () => {
    const { token } = await buildStudent(app);
    (app.clock as ManualClock).advance(16 * 60 * 1000);
    const socket = app.socket(token);
    expect((await nextEvent<Error>(socket, 'connect_error')).message).toBe('auth/unauthenticated');
  });

  it('refuses a token signed with another secret', async () => {
    const { user } = await buildStudent(app);
    const { AccessTokens } = await import('../../../server/src/modules/auth/access-token.js');
    const forged = await new AccessTokens('another-secret-that-is-long-enough-0123456789', app.clock).sign(user.id, 'admin');
    const socket = app.socket(forged.token);
    expect((await nextEvent<Error>(socket, 'connect_error')).message).toBe('auth/unauthenticated');
  });

  it('accepts a token from sign-in and keeps the connection through a token refresh', async () => {
    const { user } = await buildTeacher(app);
    const login = await request(app.url).post('/api/auth/login').send({ email: user.email, password: DEFAULT_PASSWORD });
    const socket = app.socket(login.body.accessToken);
    const ready = await nextEvent<{ userId: string; role: string }>(socket, 'session:ready');
    expect(ready).toEqual({ userId: user.id, role: 'teacher' });

    (app.clock as ManualClock).advance(10 * 60 * 1000);
    const { token: fresh } = await app.infra.tokens.sign(user.id, 'teacher');
    const ack = await socket.timeout(5_000).emitWithAck('session:refresh', { accessToken: fresh });
    expect(ack.ok).toBe(true);
    expect(socket.connected).toBe(true);

    const other = await buildStudent(app);
    const refused = await socket.timeout(5_000).emitWithAck('session:refresh', { accessToken: other.token });
    expect(refused).toMatchObject({ ok: false, error: { code: 'auth/forbidden' } });
    const malformed = await socket.timeout(5_000).emitWithAck('session:refresh', { accessToken: 'short' });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'request/invalid' } });
    expect(socket.connected).toBe(true);
  });
});
