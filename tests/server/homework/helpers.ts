import request from 'supertest';
import type { TestApp } from '../../setup/app.js';

/** Authenticated supertest calls against one app. */
export function api(app: TestApp, token: string) {
  const auth = { Authorization: `Bearer ${token}` };
  return {
    get: (url: string) => request(app.url).get(url).set(auth),
    post: (url: string, body: object = {}) => request(app.url).post(url).set(auth).send(body),
    put: (url: string, body: object) => request(app.url).put(url).set(auth).send(body),
    patch: (url: string, body: object) => request(app.url).patch(url).set(auth).send(body),
    delete: (url: string) => request(app.url).delete(url).set(auth),
  };
}

export const DAY_MS = 86_400_000;

/** Calls as a user with a token signed now (tests that move the clock outlive a token's 15 minutes). */
export async function apiNow(app: TestApp, user: { id: string; role: string }) {
  const { token } = await app.infra.tokens.sign(user.id, user.role as 'student');
  return api(app, token);
}

/** Resolves once the socket is connected. */
export function connected(socket: { on(event: 'connect', listener: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => socket.on('connect', () => resolve()));
}
