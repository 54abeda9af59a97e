import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { ERROR_CODES } from '@tp/shared';
import { createTestApp } from '../../setup/app.js';
import { createApp } from '../../../server/src/app.js';
import { registeredRoutes } from '../../../server/src/modules/docs/route-list.js';
import { openApiPath } from '../../../server/src/modules/docs/openapi.js';

const app = await createTestApp();
const REGISTRY = 'server/src/modules/docs/api-routes.ts';

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> }; responses: Record<string, unknown> }>>;
  'x-error-codes': Array<{ code: string; status: number }>;
  'x-socket-events': Array<{ name: string; payload?: unknown }>;
}
const fetchDocument = async () => (await request(app.url).get('/api/openapi.json')).body as OpenApi;

/** The API routes the express app really serves, as `METHOD /api/path/{param}`. */
function servedRoutes(): string[] {
  return registeredRoutes(createApp(app.ctx))
    .filter((route) => route.path.startsWith('/api/'))
    .map((route) => `${route.method.toUpperCase()} ${openApiPath(route.path.slice(4))}`);
}

/** Event names declared in an interface of shared/src/socket/events.ts. */
function declaredEvents(interfaceName: string): string[] {
  const source = readFileSync(new URL('../../../shared/src/socket/events.ts', import.meta.url), 'utf8');
  const body = new RegExp(`export interface ${interfaceName} \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1] ?? '';
  return [...body.matchAll(/^\s*'([\w:-]+)'\s*:/gm)].map((m) => m[1]!);
}

describe('the OpenAPI document', () => {
  it('documents every route the app serves', async () => {
    const document = await fetchDocument();
    const served = servedRoutes();
    expect(served.length).toBeGreaterThan(40);
    const documented = new Set(Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`)));
    const missing = served.filter((route) => !documented.has(route));
    expect(missing, `routes served but missing from the API reference; add them to API_ROUTES in ${REGISTRY}`).toEqual([]);
  });

  it('lists no route the app does not serve', async () => {
    const served = new Set(servedRoutes());
    const documented = Object.entries((await fetchDocument()).paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.filter((route) => !served.has(route)), `stale entries in ${REGISTRY}`).toEqual([]);
  });

  it('is OpenAPI 3.1 with request and response schemas generated from the shared zod schemas', async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe('3.1.0');
    const patchUser = document.paths['/api/admin/users/{id}']!.patch!;
    expect(Object.keys(patchUser.requestBody!.content['application/json']!.schema.properties!)).toEqual(expect.arrayContaining(['email', 'firstName', 'lastName', 'role', 'active']));
    expect(patchUser.responses).toHaveProperty('200');
    expect(patchUser.responses).toHaveProperty('403');
    const recordings = document.paths['/api/lessons/{id}/recordings']!.get!.responses['200'] as { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
    expect(Object.keys(recordings.content['application/json']!.schema.properties)).toEqual(['lessonId', 'items']);
    expect(document['x-error-codes'].map((e) => e.code).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('lists every socket event declared in the shared event maps, with its payload', async () => {
    const events = (await fetchDocument())['x-socket-events'];
    const documented = new Set(events.map((e) => e.name));
    const declared = [...declaredEvents('ServerToClientEvents'), ...declaredEvents('ClientToServerEvents')];
    expect(declared.length).toBeGreaterThan(5);
    expect(declared.filter((name) => !documented.has(name)), 'socket events missing from server/src/modules/docs/socket-events.ts').toEqual([]);
    expect(events.every((e) => e.payload)).toBe(true);
  });
});

describe('the reference page', () => {
  it('is served from this server with sign-in, the CSRF step, every error code, route and socket event', async () => {
    const res = await request(app.url).get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const html = res.text;
    expect(html).toContain('Authorization: Bearer');
    expect(html).toContain('x-csrf-token');
    expect(html).toContain('/api/auth/csrf');
    for (const code of ERROR_CODES) expect(html).toContain(`<code>${code}</code>`);
    const document = await fetchDocument();
    for (const path of Object.keys(document.paths)) expect(html).toContain(`<code>${path}</code>`);
    for (const event of document['x-socket-events']) expect(html).toContain(`<code>${event.name}</code>`);
    // Nothing is loaded from elsewhere: no scripts, styles or fonts from other hosts.
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    expect(html).not.toContain('<script');
  });
});
