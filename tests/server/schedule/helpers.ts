import request from 'supertest';
import type { TestApp } from '../../setup/app.js';

/** Authenticated supertest calls against one app. */
export function client(app: TestApp, token: string) {
  const auth = { Authorization: `Bearer ${token}` };
  return {
    get: (url: string) => request(app.url).get(url).set(auth),
    post: (url: string, body: object = {}) => request(app.url).post(url).set(auth).send(body),
    patch: (url: string, body: object) => request(app.url).patch(url).set(auth).send(body),
    delete: (url: string) => request(app.url).delete(url).set(auth),
  };
}

export const calendarUrl = (from: string, to: string, extra = '') => `/api/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`;

/** Counts the SQL statements the app sends while `fn` runs. */
export async function countQueries<T>(app: TestApp, fn: () => Promise<T>): Promise<{ result: T; queries: number }> {
  const connection = app.infra.orm.em.getConnection();
  const original = connection.execute.bind(connection);
  let queries = 0;
  connection.execute = ((...args: Parameters<typeof original>) => {
    queries += 1;
    return original(...args);
  }) as typeof connection.execute;
  try {
    return { result: await fn(), queries };
  } finally {
    connection.execute = original;
  }
}

/** Sets a lesson's status directly, as the pool does when a lesson goes live or ends. */
export async function setLessonStatus(app: TestApp, lessonId: string, status: string): Promise<void> {
  await app.infra.orm.em.fork().getConnection().execute(`update lessons set status = ? where id = ?`, [status, lessonId]);
}
