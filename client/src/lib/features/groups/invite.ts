/** An invite code a signed-out visitor brought along; kept for this tab until they have signed in. */
const KEY = 'tp_invite_code';

function store(): Storage | null {
  try {
    return sessionStorage;
  } catch {
    return null;
  }
}

export function rememberInvite(code: string): void {
  store()?.setItem(KEY, code);
}

export function pendingInvite(): string | null {
  return store()?.getItem(KEY) ?? null;
}

export function forgetInvite(): void {
  store()?.removeItem(KEY);
}

/** The link a teacher hands out: it opens the join page with the code filled in. */
export function inviteLink(code: string, origin = location.origin): string {
  return `${origin}/join?code=${encodeURIComponent(code)}`;
}
