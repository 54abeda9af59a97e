import type { AuthResult, RegisterBody, Role, UserDto } from '@tp/shared';
import { adoptAccessToken, http, onSessionLost, onSessionRefreshed, refreshSession } from '$lib/api/http.js';
import { connectSocket, disconnectSocket } from '$lib/api/socket.js';
import { hasStoredLocale, locale, setLocale } from '$lib/i18n/i18n.svelte.js';

export type SelfServiceRole = 'teacher' | 'student';
export type SessionStatus = 'unknown' | 'restoring' | 'signed-in' | 'signed-out';

/** Marks that this browser probably holds a refresh cookie, so a first visit skips a pointless 401. */
const HINT_KEY = 'tp_session_hint';
const ROLE_KEY = 'tp_chosen_role';

function storage(kind: 'local' | 'session'): Storage | null {
  try {
    return kind === 'local' ? localStorage : sessionStorage;
  } catch {
    return null;
  }
}

/** Who is signed in, and the sign-in/up/out flows. One instance for the app: `session`. */
class Session {
  user = $state<UserDto | null>(null);
  status = $state<SessionStatus>('unknown');
  /** The role picked on the landing page before signing in (role-first flow). */
  chosenRole = $state<SelfServiceRole | null>(readRole());
  role = $derived<Role | null>(this.user?.role ?? null);
  private restoring: Promise<void> | null = null;

  constructor() {
    onSessionRefreshed((result) => {
      this.user = result.user;
      this.status = 'signed-in';
    });
    onSessionLost(() => this.clear());
  }

  /** On page load: trade the refresh cookie for a session, if there is one. */
  restore(force = false): Promise<void> {
    if (this.status === 'signed-in') return Promise.resolve();
    if (!force && !storage('local')?.getItem(HINT_KEY)) {
      this.status = 'signed-out';
      return Promise.resolve();
    }
    this.restoring ??= (async () => {
      this.status = 'restoring';
      const result = await refreshSession();
      if (result) await this.signedIn(result);
      else this.clear();
    })().finally(() => {
      this.restoring = null;
    });
    return this.restoring;
  }

  async chooseRole(role: SelfServiceRole): Promise<void> {
    await http.post('/api/auth/role', { role }, { noRefresh: true });
    this.chosenRole = role;
    storage('session')?.setItem(ROLE_KEY, role);
  }

  /** Role-first sign-in: signs in, or creates the account with the chosen role. */
  async enter(email: string, password: string): Promise<UserDto> {
    return this.signedIn(await http.post<AuthResult>('/api/auth/enter', { email, password }, { noRefresh: true }));
  }

  async login(email: string, password: string): Promise<UserDto> {
    return this.signedIn(await http.post<AuthResult>('/api/auth/login', { email, password }, { noRefresh: true }));
  }

  async register(body: RegisterBody): Promise<UserDto> {
    return this.signedIn(await http.post<AuthResult>('/api/auth/register', body, { noRefresh: true }));
  }

  async signOut(): Promise<void> {
    try {
      await http.post('/api/auth/logout', undefined, { noRefresh: true });
    } finally {
      this.clear();
    }
  }

  /** Saves a profile change and keeps the local copy in step. */
  async updateProfile(patch: Partial<Pick<UserDto, 'firstName' | 'lastName' | 'timezone' | 'locale'>>): Promise<void> {
    const user = await http.patch<UserDto | { user: UserDto }>('/api/users/me', patch);
    this.user = 'user' in user ? user.user : user;
  }

  private async signedIn(result: AuthResult): Promise<UserDto> {
    adoptAccessToken(result.accessToken);
    connectSocket();
    this.user = result.user;
    this.status = 'signed-in';
    storage('local')?.setItem(HINT_KEY, '1');
    await this.reconcileLocale(result.user);
    return result.user;
  }

  /** A language picked in this browser wins and is saved to the profile; otherwise the profile's applies. */
  private async reconcileLocale(user: UserDto): Promise<void> {
    if (!hasStoredLocale()) return setLocale(user.locale, false);
    if (user.locale !== locale()) await this.updateProfile({ locale: locale() }).catch(() => undefined);
  }

  private clear(): void {
    adoptAccessToken(null);
    disconnectSocket();
    this.user = null;
    this.status = 'signed-out';
    storage('local')?.removeItem(HINT_KEY);
  }
}

function readRole(): SelfServiceRole | null {
  const value = storage('session')?.getItem(ROLE_KEY);
  return value === 'teacher' || value === 'student' ? value : null;
}

export const session = new Session();

/** Where each role lands after signing in. */
export function homeFor(_role: Role): string {
  return '/app';
}
