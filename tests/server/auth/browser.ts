/** A tiny browser stand-in for the cookie-based flows: a cookie jar for one origin, manual redirects. */
export interface BrowserResponse {
  status: number;
  headers: Headers;
  setCookies: string[];
  /** Parsed JSON (or the text); loosely typed like supertest's, so tests can read error codes directly. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  location: string | null;
}

export class Browser {
  readonly cookies = new Map<string, string>();
  csrfToken: string | undefined;
  private readonly origin: string;

  constructor(readonly base: string) {
    this.origin = new URL(base).origin;
  }

  async request(method: string, url: string, options: { json?: unknown; headers?: Record<string, string>; csrf?: boolean } = {}): Promise<BrowserResponse> {
    const target = new URL(url, this.base);
    const headers: Record<string, string> = { ...options.headers };
    if (target.origin === this.origin && this.cookies.size) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    if (options.csrf !== false && this.csrfToken && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(target, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      redirect: 'manual',
    });
    const setCookies = response.headers.getSetCookie();
    if (target.origin === this.origin) this.store(setCookies);
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: response.status, headers: response.headers, setCookies, body, location: response.headers.get('location') };
  }

  get(url: string) {
    return this.request('GET', url);
  }

  post(url: string, json?: unknown, options: { csrf?: boolean; headers?: Record<string, string> } = {}) {
    return this.request('POST', url, { json: json ?? {}, ...options });
  }

  /** Fetches the CSRF cookie and token as the client does on load. */
  async loadCsrf(): Promise<string> {
    const res = await this.get('/api/auth/csrf');
    this.csrfToken = res.body.csrfToken as string;
    return this.csrfToken;
  }

  async chooseRole(role: 'teacher' | 'student') {
    if (!this.csrfToken) await this.loadCsrf();
    return this.post('/api/auth/role', { role });
  }

  /** GETs `url` and follows redirects (across origins) like a browser; returns every hop. */
  async navigate(url: string, maxHops = 10): Promise<BrowserResponse[]> {
    const hops: BrowserResponse[] = [];
    let next: string | null = new URL(url, this.base).toString();
    while (next && hops.length < maxHops) {
      const res = await this.get(next);
      hops.push(res);
      next = res.status >= 300 && res.status < 400 && res.location ? new URL(res.location, next).toString() : null;
    }
    return hops;
  }

  private store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const expires = attributes.find((a) => /^expires=/i.test(a));
      const maxAge = attributes.find((a) => /^max-age=/i.test(a));
      const gone = !value || (maxAge && Number(maxAge.split('=')[1]) <= 0) || (expires && new Date(expires.slice(8)).getTime() < Date.now());
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export const cookieLine = (res: BrowserResponse, name: string) => res.setCookies.find((line) => line.startsWith(`${name}=`));
