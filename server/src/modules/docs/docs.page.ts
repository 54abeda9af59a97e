import { ERROR_CODES, HTTP_STATUS_BY_CODE, LIMITS } from '@tp/shared';
import type { ApiRoute } from './api-routes.js';
import { jsonSchema, openApiPath, routeErrors } from './openapi.js';
import { SOCKET_EVENTS } from './socket-events.js';

type JsonSchema = Record<string, unknown>;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A JSON Schema as a short TypeScript-like type, e.g. `{ email: string(email), role?: "student" | "teacher" }`. */
export function typeText(schema: JsonSchema | undefined, depth = 0): string {
  if (!schema || depth > 6) return 'any';
  if (schema.$ref) return String(schema.$ref).split('/').pop()!;
  const anyOf = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (anyOf) return anyOf.map((s) => typeText(s, depth + 1)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const type = schema.type;
  if (Array.isArray(type)) return type.map((t) => typeText({ ...schema, type: t }, depth + 1)).join(' | ');
  if (type === 'array') return `${wrap(typeText(schema.items as JsonSchema, depth + 1))}[]`;
  if (type === 'object' || schema.properties) {
    const properties = Object.entries((schema.properties as Record<string, JsonSchema>) ?? {});
    if (!properties.length) return schema.additionalProperties && schema.additionalProperties !== false ? `{ [key]: ${typeText(schema.additionalProperties as JsonSchema, depth + 1)} }` : '{}';
    const required = new Set((schema.required as string[]) ?? []);
    const pad = '  '.repeat(depth + 1);
    const lines = properties.map(([name, value]) => `${pad}${name}${required.has(name) ? '' : '?'}: ${typeText(value, depth + 1)}`);
    return `{\n${lines.join('\n')}\n${'  '.repeat(depth)}}`;
  }
  if (type === 'string') return schema.format ? `string(${String(schema.format)})` : 'string';
  if (type === 'integer' || type === 'number' || type === 'boolean' || type === 'null') return String(type);
  return 'any';
}

/** Parenthesises a union before `[]`; an object (whose fields may hold unions) needs none. */
const wrap = (text: string) => (text.includes('|') && !(text.startsWith('{') && text.endsWith('}')) ? `(${text})` : text);

function access(route: ApiRoute): string {
  if (Array.isArray(route.access)) return `bearer · ${route.access.join(', ')}`;
  const base = { public: 'public', 'signed-in': 'bearer', 'refresh-cookie': 'refresh cookie', 'zoom-signature': 'Zoom signature' }[route.access as string] ?? '';
  return route.csrf ? `${base} · CSRF` : base;
}

function block(label: string, schema: JsonSchema | undefined): string {
  return schema ? `<div class="part"><span>${label}</span><pre>${escape(typeText(schema))}</pre></div>` : '';
}

function routeSection(route: ApiRoute): string {
  const anchor = `${route.method}-${route.path}`.replace(/[^\w]+/g, '-');
  const response = route.response ? typeText(jsonSchema(route.response, 'output')) : (route.responseNote ?? '');
  return `<article class="route" id="${anchor}">
  <h3><span class="method ${route.method}">${route.method.toUpperCase()}</span> <code>${escape(openApiPath(route.path))}</code> <small>${escape(access(route))}</small></h3>
  <p>${escape(route.summary)}</p>
  ${block('Path', route.params && jsonSchema(route.params, 'input'))}
  ${block('Query', route.query && jsonSchema(route.query, 'input'))}
  ${block('Body', route.body && jsonSchema(route.body, 'input'))}
  <div class="part"><span>${route.status ?? 200}</span><pre>${escape(response)}</pre></div>
  <p class="errors">Errors: ${routeErrors(route).map((c) => `<code>${c}</code>`).join(' ')}</p>
</article>`;
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2333;background:#f6f7fb}
main{max-width:980px;margin:0 auto;padding:24px 16px 64px}
h1{margin:0 0 4px}h2{margin-top:40px;border-bottom:2px solid #dfe3ee;padding-bottom:4px}
nav a{margin-right:12px}code,pre{font:13px/1.45 ui-monospace,Menlo,Consolas,monospace}
pre{background:#fff;border:1px solid #dfe3ee;border-radius:6px;padding:8px 10px;overflow:auto;margin:4px 0}
table{border-collapse:collapse;width:100%;background:#fff;table-layout:fixed}td pre{white-space:pre-wrap;word-break:break-word}.events td:first-child,.events td:nth-child(2){width:22%}td,th{border:1px solid #dfe3ee;padding:4px 8px;text-align:left;vertical-align:top}
.route{background:#fff;border:1px solid #dfe3ee;border-radius:8px;padding:8px 14px;margin:12px 0}
.route h3{font-size:15px;margin:6px 0;display:flex;flex-wrap:wrap;gap:8px;align-items:center}.route small{color:#6b7287;font-weight:normal}
.method{font-size:12px;color:#fff;border-radius:4px;padding:1px 6px}.get{background:#2f7d32}.post{background:#1f5fbf}.patch,.put{background:#b26a00}.delete{background:#b3261e}
.part{display:grid;grid-template-columns:64px 1fr;gap:8px;align-items:start}.part span{color:#6b7287;font-size:13px;padding-top:10px}
.errors{font-size:13px;color:#4a5168}.errors code{margin-right:4px}
`;

/** The readable reference: sign-in, CSRF, errors, every route and every socket event, from the same sources as /api/openapi.json. */
export function renderDocsPage(routes: ApiRoute[], version: string): string {
  const tags = [...new Set(routes.map((r) => r.tag))];
  const errorsTable = ERROR_CODES.map((code) => `<tr><td><code>${code}</code></td><td>${HTTP_STATUS_BY_CODE[code]}</td></tr>`).join('');
  const events = SOCKET_EVENTS.map(
    (e) => `<tr id="event-${e.name.replace(/\W/g, '-')}"><td><code>${e.name}</code><br><small>${e.direction}</small></td><td>${escape(e.audience)}</td><td>${escape(e.description)}${
      e.payload ? `<pre>${escape(typeText(jsonSchema(e.payload, 'output')))}</pre>` : ''
    }${e.ack ? `Acknowledgement data:<pre>${escape(typeText(jsonSchema(e.ack, 'output')))}</pre>` : ''}</td></tr>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Teaching Panel API reference</title><style>${STYLE}</style></head>
<body><main>
<h1>Teaching Panel API</h1>
<p>Version ${escape(version)} · machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1, generated from the same schemas the server validates with)</p>
<nav><a href="#auth">Signing in</a><a href="#csrf">CSRF</a><a href="#errors">Errors</a><a href="#routes">Routes</a><a href="#sockets">Socket events</a></nav>

<h2 id="auth">Signing in</h2>
<p>Sign in with <code>POST /api/auth/login</code> (or <code>/api/auth/register</code>, or the role-first <code>/api/auth/enter</code>). The answer is
<code>{ accessToken, user }</code> and an httpOnly refresh cookie <code>tp_refresh</code> scoped to <code>/api/auth</code>.</p>
<p>Send the access token on every other call: <code>Authorization: Bearer &lt;accessToken&gt;</code>. It lasts ${LIMITS.accessTokenSeconds / 60} minutes;
before it runs out, <code>POST /api/auth/refresh</code> (cookie + CSRF header) returns a new one and rotates the cookie. A refresh token used twice
revokes its whole family (sign in again). <code>POST /api/auth/logout</code> ends the session. When an admin deactivates an account, changes its
role or sets its password, its refresh tokens are revoked, its access tokens stop working and its sockets are disconnected at once.</p>
<p>Roles are <code>student</code>, <code>teacher</code> and <code>admin</code>; each route below says who may call it. Other users’ objects answer
<code>404</code>, as if they did not exist.</p>
<pre>curl -s -X POST /api/auth/login -H 'content-type: application/json' -d '{"email":"teacher@example.com","password":"…"}'
curl -s /api/calendar?from=2026-01-12T00:00:00Z&amp;to=2026-01-19T00:00:00Z -H "Authorization: Bearer $TOKEN"</pre>

<h2 id="csrf">The CSRF step for cookie calls</h2>
<p>Calls that a cookie authenticates — <code>/api/auth/refresh</code>, <code>/api/auth/logout</code>, <code>/api/auth/role</code>, <code>/api/auth/enter</code> — need a
double-submit token: <code>GET /api/auth/csrf</code> sets the cookie <code>tp_csrf</code> and returns <code>{ csrfToken }</code>; send the same value in the header
<code>x-csrf-token</code>. A missing or different value answers <code>403 csrf/invalid</code>. Bearer-token calls do not need it.</p>
<pre>curl -c jar -s /api/auth/csrf            # {"csrfToken":"…"}
curl -b jar -c jar -X POST /api/auth/refresh -H "x-csrf-token: $CSRF"</pre>

<h2 id="errors">Errors</h2>
<p>Every failure has one shape, with the HTTP status that fits the code. <code>fields</code> appears on invalid input and names each field’s problem;
<code>429</code> answers carry <code>Retry-After</code>. Programs branch on <code>code</code>; <code>message</code> is for people.</p>
<pre>{ "error": { "code": "request/invalid", "message": "The request body is not valid", "fields": { "email": "Invalid email address" } } }</pre>
<table><thead><tr><th>Code</th><th>HTTP status</th></tr></thead><tbody>${errorsTable}</tbody></table>

<h2 id="routes">Routes</h2>
<p>${routes.length} routes. Bodies are JSON (at most ${LIMITS.bodyBytes / 1024} KB); unknown fields are refused.</p>
${tags.map((tag) => `<h2 class="tag">${escape(tag)}</h2>\n${routes.filter((r) => r.tag === tag).map(routeSection).join('\n')}`).join('\n')}

<h2 id="sockets">Socket events</h2>
<p>Connect Socket.IO to the same origin with <code>io({ auth: { token: accessToken } })</code>. The server puts each socket in the rooms of its user,
role, groups and (for teachers) their teaching room. Events to a room carry <code>meta: { room, seq }</code>: load a snapshot over HTTP, apply events in
order, and reload the snapshot after a gap in <code>seq</code> or a reconnect. Hand a refreshed token to the open socket with <code>session:refresh</code>.</p>
<table class="events"><thead><tr><th>Event</th><th>Audience</th><th>Payload</th></tr></thead><tbody>${events.join('')}</tbody></table>
</main></body></html>`;
}
