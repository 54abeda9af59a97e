import { z } from 'zod';
import { ERROR_CODES, HTTP_STATUS_BY_CODE, type ErrorCode } from '@tp/shared';
import type { ApiRoute } from './api-routes.js';
import { SOCKET_EVENTS } from './socket-events.js';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

/** Request schemas describe what may be sent (before defaults and coercion), responses what comes back. */
export function jsonSchema(schema: z.ZodType, io: Io): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/** `/lessons/:id` → `/api/lessons/{id}` */
export const openApiPath = (path: string) => `/api${path.replace(/:(\w+)/g, '{$1}')}`;

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: [...ERROR_CODES] },
        message: { type: 'string', description: 'For people; may change. Programs branch on `code`.' },
        fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'Per-field problems of invalid input (dotted paths).' },
      },
    },
  },
};

/** The error codes a route may answer with: its own plus those that follow from how it is called. */
export function routeErrors(route: ApiRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>(['internal/error']);
  if (route.params || route.query || route.body) codes.add('request/invalid');
  if (route.body) ['request/malformed-json', 'request/too-large'].forEach((c) => codes.add(c as ErrorCode));
  if (route.access !== 'public' && route.access !== 'zoom-signature') codes.add('auth/unauthenticated');
  if (Array.isArray(route.access)) codes.add('auth/forbidden');
  if (route.csrf) codes.add('csrf/invalid');
  for (const code of route.errors ?? []) codes.add(code);
  return [...codes].sort((a, b) => HTTP_STATUS_BY_CODE[a] - HTTP_STATUS_BY_CODE[b] || a.localeCompare(b));
}

function security(route: ApiRoute): Array<Record<string, string[]>> | undefined {
  if (route.access === 'public' || route.access === 'zoom-signature') return route.csrf ? [{ csrfHeader: [] }] : [];
  if (route.access === 'refresh-cookie') return [{ refreshCookie: [], csrfHeader: [] }];
  return [{ bearer: [] }];
}

function parameters(route: ApiRoute): JsonSchema[] {
  const list: JsonSchema[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodType | undefined) => {
    if (!schema) return;
    const object = jsonSchema(schema, 'input');
    const required = new Set((object.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((object.properties as Record<string, JsonSchema>) ?? {})) {
      list.push({ name, in: where, required: where === 'path' || required.has(name), schema: property });
    }
  };
  add('path', route.params);
  add('query', route.query);
  // A path parameter without a schema is still a parameter.
  for (const [, name] of route.path.matchAll(/:(\w+)/g)) {
    if (!list.some((p) => p.in === 'path' && p.name === name)) list.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  }
  return list;
}

function accessNote(route: ApiRoute): string {
  if (Array.isArray(route.access)) return `Roles: ${route.access.join(', ')}.`;
  return { public: 'No sign-in needed.', 'signed-in': 'Any signed-in user.', 'refresh-cookie': 'The refresh cookie (httpOnly) and the CSRF header.', 'zoom-signature': 'Zoom’s signature headers.' }[route.access as string] ?? '';
}

function operation(route: ApiRoute): JsonSchema {
  const status = String(route.status ?? 200);
  const success: JsonSchema = { description: route.responseNote ?? 'OK' };
  if (route.response) success.content = { 'application/json': { schema: jsonSchema(route.response, 'output') } };
  const responses: Record<string, JsonSchema> = { [status]: success };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of routeErrors(route)) byStatus.set(HTTP_STATUS_BY_CODE[code], [...(byStatus.get(HTTP_STATUS_BY_CODE[code]) ?? []), code]);
  for (const [httpStatus, codes] of byStatus) {
    responses[String(httpStatus)] = { description: codes.join(', '), content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } };
  }
  const op: JsonSchema = {
    tags: [route.tag],
    summary: route.summary,
    description: accessNote(route),
    operationId: `${route.method}${route.path.replace(/[/:-](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
    parameters: parameters(route),
    responses,
    security: security(route),
  };
  if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
  return op;
}

/** The OpenAPI 3.1 document of every route in `routes`, the error codes and (as an extension) the socket events. */
export function buildOpenApi(routes: ApiRoute[], info: { title: string; version: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'Teaching Panel HTTP API. The reference page at /api/docs explains sign-in, CSRF, errors and the socket events.' },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken from sign-in or refresh, valid 15 minutes.' },
        refreshCookie: { type: 'apiKey', in: 'cookie', name: 'tp_refresh', description: 'Set by sign-in; httpOnly; sent only to /api/auth.' },
        csrfHeader: { type: 'apiKey', in: 'header', name: 'x-csrf-token', description: 'The value of the tp_csrf cookie (GET /api/auth/csrf sets it).' },
      },
      schemas: { ErrorBody: errorBody },
    },
    'x-error-codes': ERROR_CODES.map((code) => ({ code, status: HTTP_STATUS_BY_CODE[code] })),
    'x-socket-events': SOCKET_EVENTS.map((event) => ({ ...event, payload: event.payload ? jsonSchema(event.payload, 'output') : undefined, ack: event.ack ? jsonSchema(event.ack, 'output') : undefined })),
  };
}
