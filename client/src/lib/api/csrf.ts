/**
 * Double-submit CSRF: the server sets a readable `tp_csrf` cookie and expects it echoed in the
 * `x-csrf-token` header on cookie-authenticated calls. We send it on every unsafe request.
 */
export const CSRF_COOKIE = 'tp_csrf';
export const CSRF_HEADER = 'x-csrf-token';

let pending: Promise<string | null> | null = null;
let fromBody: string | null = null;

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** The current token, asking the server for one (`GET /api/auth/csrf`) when there is none yet. */
export function csrfToken(force = false): Promise<string | null> {
  const cookie = readCookie(CSRF_COOKIE);
  if (cookie && !force) return Promise.resolve(cookie);
  pending ??= fetch('/api/auth/csrf', { credentials: 'include', headers: { accept: 'application/json' } })
    .then(async (response) => {
      const body = (await response.json().catch(() => ({}))) as { csrfToken?: unknown; token?: unknown };
      const token = typeof body.csrfToken === 'string' ? body.csrfToken : typeof body.token === 'string' ? body.token : null;
      fromBody = token ?? fromBody;
      return readCookie(CSRF_COOKIE) ?? token;
    })
    .catch(() => readCookie(CSRF_COOKIE) ?? fromBody)
    .finally(() => {
      pending = null;
    });
  return pending;
}
