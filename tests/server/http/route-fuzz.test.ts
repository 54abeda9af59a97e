import { describe, expect, it } from 'vitest';
import type { Express } from 'express';
import * as shared from '@tp/shared';
import { createTestApp } from '../../setup/app.js';
import { buildAdmin, buildStudent, buildTeacher, type BuiltUser } from '../../factories/users.js';
import { buildGroup } from '../../factories/groups.js';
import { buildLesson, buildRule } from '../../factories/schedule.js';
import { buildAccount } from '../../factories/pool.js';
import { createApp } from '../../../server/src/app.js';

/*
 * Throws malformed params, queries and bodies at every route the app registers (read from the
 * Express router, so a new route is covered without touching this file) and asserts that none
 * answers 5xx. Each route is driven with a token of a role that gets past its guards and with real
 * ids in its path, so the malformed part is what the route really has to handle.
 */

const app = await createTestApp({ env: { START_RATE_PER_MIN: '0' } });
const [admin, teacher, student] = await Promise.all([buildAdmin(app), buildTeacher(app), buildStudent(app)]);
const { group } = await buildGroup(app, { teacher, students: [student] });
const rule = await buildRule(app, teacher, group.id, { startDate: '2026-01-05', endDate: '2026-06-29' });
const { lesson } = await buildLesson(app, teacher, group.id, '2026-01-16T10:00:00Z');
const account = await buildAccount(app);

interface Route {
  method: string;
  path: string;
}

/** Every method + path in the app's router tree, mounts included (`/api` + module routers). */
function routesOf(express: Express): Route[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };
  const found: Route[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') found.push({ method: method.toUpperCase(), path: prefix + layer.route.path });
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((express as unknown as { router: { stack: Layer[] } }).router.stack, '');
  const unique = new Map(found.filter((r) => typeof r.path === 'string' && r.path.startsWith('/api/')).map((r) => [`${r.method} ${r.path}`, r]));
  return [...unique.values()];
}

// The same app the server runs, built again over its context just to read its router.
const expressApp = createApp(app.ctx);
// Destructive routes last, so the others still find the fixtures they need.
const routes = routesOf(expressApp).sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));

/** Every key any request schema in the contract reads: the field names worth fuzzing. */
function schemaKeys(kind: RegExp): string[] {
  const keys = new Set<string>();
  for (const [name, value] of Object.entries(shared)) {
    if (!kind.test(name)) continue;
    const shape = (value as { _zod?: { def?: { shape?: Record<string, unknown> } } })?._zod?.def?.shape;
    if (shape) Object.keys(shape).forEach((key) => keys.add(key));
  }
  return [...keys].sort();
}
const BODY_KEYS = schemaKeys(/(Body|Payload)$/);
const QUERY_KEYS = schemaKeys(/Query$/);

const FAKE_RULE = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
/** Already percent-encoded path segments. */
const BAD_SEGMENTS = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  'x'.repeat(5000),
  'rule%3Affffffffffffffffffffffffffffffffffff%3A2027-01-01',
  `rule%3A${FAKE_RULE}%3A2027-02-30`,
  `rule%3A${FAKE_RULE}%3A0000-01-01`,
  `rule%3A${rule.id}%3A2027-02-30`,
  'rule%3A%3A',
  '0000-01-01',
  '-1',
  '1e308',
  "1'%20or%20'1'%3D'1",
  '__proto__',
  'constructor',
  '%',
];
const HUGE = 'x'.repeat(60_000);
const BAD_VALUES: unknown[] = [
  'a\u0000b',
  'x\ud800y',
  '\udfff',
  HUGE,
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '2027-02-30',
  `rule:${rule.id}:2027-02-30`,
  'rule:ffffffffffffffffffffffffffffffffffff:2027-01-01',
  9007199254740991,
  -1,
  1e308,
  1.5,
  null,
  true,
  [],
  {},
  { $ne: '' },
];
const QUERY_VALUES = ['a%00b', '0000-01-01', '0000-01-01T00%3A00%3A00Z', '2027-02-30', '9007199254740991', '-1', 'x'.repeat(5000), '%ED%A0%80'];
const RAW_BODIES = ['null', '[]', '42', '"text"', 'true', '{"__proto__":{"admin":true}}', '{"a":', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'];

/** Real ids for a route's path, so that only the fuzzed part is malformed. */
function realPath(path: string): string {
  return path.replace(/:(\w+)/g, (_match, name: string) => {
    if (name === 'studentId') return student.user.id;
    if (name === 'provider') return 'vk';
    if (name === 'meetingId') return 'demo-meeting';
    if (path.startsWith('/api/groups/')) return group.id;
    if (path.startsWith('/api/lessons/')) return lesson.id;
    if (path.startsWith('/api/recurring-lessons/')) return rule.id;
    if (path.startsWith('/api/pool/accounts/')) return account.id;
    if (path.startsWith('/api/admin/users/')) return student.user.id;
    return FAKE_RULE;
  });
}

interface Answer {
  status: number;
  what: string;
  fields?: Record<string, string>;
}

async function send(method: string, url: string, token: BuiltUser | null, body?: string): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(app.url + url, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let fields: Record<string, string> | undefined;
  try {
    fields = (JSON.parse(text) as { error?: { fields?: Record<string, string> } }).error?.fields;
  } catch {
    fields = undefined;
  }
  return { status: res.status, fields, what: `${method} ${url.slice(0, 160)}${body === undefined ? '' : ` ${body.slice(0, 120)}`}` };
}

/** The first of admin, teacher, student that the route's guards let through (else nobody). */
async function reachingUser(route: Route): Promise<BuiltUser | null> {
  const hasBody = !['GET', 'HEAD'].includes(route.method);
  for (const user of [admin, teacher, student]) {
    const { status } = await send(route.method === 'DELETE' ? 'GET' : route.method, realPath(route.path), user, hasBody && route.method !== 'DELETE' ? '{}' : undefined);
    if (status !== 401 && status !== 403) return user;
  }
  return null;
}

/**
 * The candidate keys a route's schema really reads: a strict schema names each key it does not
 * know ("unknown field") and complains about the type of each key it does.
 */
function knownKeys(answer: Answer, candidates: string[]): string[] {
  const fields = answer.fields ?? {};
  return candidates.filter((key) => fields[key] !== undefined && fields[key] !== 'unknown field');
}

/** Runs `jobs` a few at a time and returns the answers. */
async function inBatches(jobs: Array<() => Promise<Answer>>, width = 8): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < jobs.length; i += width) answers.push(...(await Promise.all(jobs.slice(i, i + width).map((job) => job()))));
  return answers;
}

describe('every route, malformed input → never 5xx', () => {
  it('finds the routes from the router', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(expect.arrayContaining(['POST /api/auth/register', 'GET /api/lessons/:id', 'POST /api/lessons/:id/start', 'POST /api/webhooks/zoom', 'GET /api/audit']));
    expect(routes.length).toBeGreaterThan(40);
    expect(BODY_KEYS).toEqual(expect.arrayContaining(['firstName', 'name', 'title', 'label', 'birthDate', 'weekAnchorDate']));
    expect(QUERY_KEYS).toEqual(expect.arrayContaining(['q', 'action', 'from', 'to']));
  });

  it('probes the fields a route reads, so malformed values land where they matter', async () => {
    const body = await send('PATCH', '/api/users/me', student, JSON.stringify(Object.fromEntries(BODY_KEYS.map((k) => [k, [[]]]))));
    expect(knownKeys(body, BODY_KEYS)).toEqual(expect.arrayContaining(['firstName', 'lastName', 'phone', 'birthDate', 'weekAnchorDate', 'timezone']));
    expect(knownKeys(body, BODY_KEYS)).not.toContain('label');
    const query = await send('GET', `/api/audit?${QUERY_KEYS.map((k) => `${k}=a%00b`).join('&')}`, admin);
    expect(knownKeys(query, QUERY_KEYS)).toEqual(expect.arrayContaining(['action', 'from', 'to', 'actorId']));
  });

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', async (_name, route) => {
    const user = await reachingUser(route);
    const hasBody = !['GET', 'HEAD', 'DELETE'].includes(route.method);
    const emptyBody = hasBody ? '{}' : undefined;
    const path = realPath(route.path);
    const jobs: Array<() => Promise<Answer>> = [];

    for (const param of route.path.match(/:\w+/g) ?? []) {
      for (const segment of BAD_SEGMENTS) {
        const bad = realPath(route.path.replace(param, '\u0001')).replace('\u0001', segment);
        jobs.push(() => send(route.method, bad, user, emptyBody));
      }
    }
    const queryProbe = await send(route.method, `${path}?${QUERY_KEYS.map((k) => `${k}=a%00b`).join('&')}`, user, emptyBody);
    for (const key of knownKeys(queryProbe, QUERY_KEYS)) {
      for (const value of QUERY_VALUES) jobs.push(() => send(route.method, `${path}?${key}=${value}`, user, emptyBody));
    }
    if (hasBody) {
      for (const raw of RAW_BODIES) jobs.push(() => send(route.method, path, user, raw));
      const bodyProbe = await send(route.method, path, user, JSON.stringify(Object.fromEntries(BODY_KEYS.map((k) => [k, [[]]]))));
      const keys = knownKeys(bodyProbe, BODY_KEYS);
      for (const value of BAD_VALUES) {
        jobs.push(() => send(route.method, path, user, JSON.stringify(Object.fromEntries(keys.map((k) => [k, value])))));
        for (const key of keys) jobs.push(() => send(route.method, path, user, JSON.stringify({ [key]: value })));
      }
    }
    const answers = await inBatches(jobs);
    expect(answers.length).toBe(jobs.length);
    expect(answers.filter((a) => a.status >= 500).map((a) => `${a.status} ${a.what}`)).toEqual([]);
  });

  it('still answers after all of it', async () => {
    const res = await fetch(`${app.url}/api/health`);
    expect(res.status).toBeLessThan(500);
  });
});
