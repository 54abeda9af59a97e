import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';

export interface ProviderPerson {
  id: string | number;
  email: string | null;
  firstName: string;
  lastName: string;
}

export interface FakeOAuthProvider {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Who "signs in" at the provider on the next /authorize. */
  person: ProviderPerson;
  /** Set to make the next /authorize answer `error=access_denied`. */
  deny: boolean;
  /** What /authorize was called with, in order. */
  authorizeRequests: Array<Record<string, string>>;
  tokenRequests: Array<Record<string, string>>;
  /** The product's environment for this provider (VK_* or YANDEX_*). */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/**
 * A small OAuth 2.0 authorization server over real HTTP, speaking VK's flavour (email in the token
 * response, /method/users.get) or Yandex's (/info with `Authorization: OAuth <token>`).
 */
export async function startOAuthProvider(flavour: 'vk' | 'yandex'): Promise<FakeOAuthProvider> {
  const codes = new Map<string, { person: ProviderPerson; redirectUri: string }>();
  const accessTokens = new Map<string, ProviderPerson>();
  const app = express();
  app.use(express.urlencoded({ extended: false }));

  const fake: FakeOAuthProvider = {
    url: '',
    clientId: `${flavour}-client-${randomBytes(4).toString('hex')}`,
    clientSecret: randomBytes(12).toString('hex'),
    person: { id: 1, email: null, firstName: '', lastName: '' },
    deny: false,
    authorizeRequests: [],
    tokenRequests: [],
    env(): Record<string, string> {
      if (flavour === 'vk') {
        return { VK_CLIENT_ID: fake.clientId, VK_CLIENT_SECRET: fake.clientSecret, VK_AUTHORIZE_URL: `${fake.url}/authorize`, VK_TOKEN_URL: `${fake.url}/token`, VK_API_URL: `${fake.url}/method` };
      }
      return { YANDEX_CLIENT_ID: fake.clientId, YANDEX_CLIENT_SECRET: fake.clientSecret, YANDEX_AUTHORIZE_URL: `${fake.url}/authorize`, YANDEX_TOKEN_URL: `${fake.url}/token`, YANDEX_USERINFO_URL: `${fake.url}/info` };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  app.get('/authorize', (req, res) => {
    const q = req.query as Record<string, string>;
    fake.authorizeRequests.push(q);
    if (q.client_id !== fake.clientId || q.response_type !== 'code' || !q.redirect_uri) return void res.status(400).send('bad authorize request');
    const back = new URL(q.redirect_uri);
    if (q.state) back.searchParams.set('state', q.state);
    if (fake.deny) {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = randomBytes(12).toString('hex');
      codes.set(code, { person: { ...fake.person }, redirectUri: q.redirect_uri });
      back.searchParams.set('code', code);
    }
    res.redirect(302, back.toString());
  });

  app.post('/token', (req, res) => {
    const form = req.body as Record<string, string>;
    fake.tokenRequests.push(form);
    const grant = codes.get(form.code ?? '');
    if (form.client_id !== fake.clientId || form.client_secret !== fake.clientSecret) return void res.status(401).json({ error: 'invalid_client' });
    if (!grant || form.grant_type !== 'authorization_code' || grant.redirectUri !== form.redirect_uri) return void res.status(400).json({ error: 'invalid_grant' });
    codes.delete(form.code!);
    const accessToken = randomBytes(16).toString('hex');
    accessTokens.set(accessToken, grant.person);
    const answer: Record<string, unknown> = { access_token: accessToken, token_type: 'bearer', expires_in: 3600 };
    if (flavour === 'vk') Object.assign(answer, { user_id: grant.person.id, ...(grant.person.email ? { email: grant.person.email } : {}) });
    res.json(answer);
  });

  app.get('/method/users.get', (req, res) => {
    const person = accessTokens.get(String(req.query.access_token ?? ''));
    if (!person) return void res.json({ error: { error_code: 5, error_msg: 'User authorization failed' } });
    res.json({ response: [{ id: Number(person.id), first_name: person.firstName, last_name: person.lastName }] });
  });

  app.get('/info', (req, res) => {
    const token = /^OAuth (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const person = token ? accessTokens.get(token) : undefined;
    if (!person) return void res.status(401).json({ error: 'invalid token' });
    res.json({ id: String(person.id), login: `user${person.id}`, default_email: person.email, first_name: person.firstName, last_name: person.lastName });
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
