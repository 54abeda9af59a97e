import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, EventMeta, ServerToClientEvents } from '@tp/shared';
import { setConnectionStatus } from './connection.svelte.js';
import { refreshSession } from './http.js';
import { observeSeq, resetSeq } from './sequence.js';
import { getAccessToken, onAccessTokenChange } from './token.js';

export { connection, type ConnectionStatus } from './connection.svelte.js';
export { trackRoom, resetSeq } from './sequence.js';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ServerEvent = keyof ServerToClientEvents;
export type ServerPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];
export type ResyncHook = (info: { reconnect: boolean }) => void;

/** How many times in a row a refused handshake may trigger a token refresh before we give up. */
const MAX_AUTH_RETRIES = 2;

let socket: AppSocket | null = null;
let everConnected = false;
let authRetries = 0;
/** Set by the server's `session:ready`: its handlers are registered, so requests sent now get an answer. */
let sessionReady = false;
const readyWaiters = new Set<() => void>();
const handlers = new Map<string, Set<(payload: never) => void>>();
const resyncHooks = new Set<ResyncHook>();

/** The one socket of this tab; created on first use, connected while a user is signed in. */
export function getSocket(): AppSocket {
  if (socket) return socket;
  const created: AppSocket = io({
    autoConnect: false,
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    // A callback, so every reconnect presents the token current at that moment.
    auth: (cb) => cb({ token: getAccessToken() ?? '' }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 10_000,
  });
  created.on('connect', () => {
    authRetries = 0;
    setConnectionStatus('connected');
    resetSeq();
    const reconnect = everConnected;
    everConnected = true;
    for (const hook of resyncHooks) hook({ reconnect });
  });
  created.on('session:ready', () => {
    sessionReady = true;
    for (const wake of readyWaiters) wake();
    readyWaiters.clear();
  });
  created.on('disconnect', (reason) => {
    sessionReady = false;
    if (reason === 'io client disconnect') return setConnectionStatus('offline');
    setConnectionStatus('reconnecting');
    // The server hung up on purpose (token expired): socket.io will not retry by itself.
    if (reason === 'io server disconnect') void reauthenticate();
  });
  created.on('connect_error', (error) => {
    if (created.active) return setConnectionStatus('reconnecting');
    if (/auth\/unauthenticated|unauthori[sz]ed/i.test(error.message)) return void reauthenticate();
    setConnectionStatus('offline');
  });
  created.onAny((event: string, payload: unknown) => dispatch(event, payload));
  socket = created;
  return created;
}

/** Connects (idempotent). Happens by itself whenever an access token is set; a null token disconnects. */
export function connectSocket(): void {
  const s = getSocket();
  if (s.connected || s.active) return;
  setConnectionStatus('reconnecting');
  s.connect();
}

export function disconnectSocket(): void {
  socket?.disconnect();
  everConnected = false;
  setConnectionStatus('offline');
}

/**
 * Resolves true once the connected socket's session is ready (the server emits `session:ready` after
 * its handlers are registered — a request sent before may be dropped unanswered), false after
 * `timeoutMs` without it.
 */
export function whenSessionReady(timeoutMs: number): Promise<boolean> {
  if (sessionReady && socket?.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      readyWaiters.delete(wake);
      resolve(false);
    }, timeoutMs);
    readyWaiters.add(wake);
  });
}

/** Typed subscription to a server event; returns the unsubscribe function (usable as an `$effect` cleanup). */
export function onSocket<E extends ServerEvent>(event: E, handler: (payload: ServerPayload<E>) => void): () => void {
  let set = handlers.get(event);
  if (!set) handlers.set(event, (set = new Set()));
  set.add(handler as (payload: never) => void);
  return () => set.delete(handler as (payload: never) => void);
}

/**
 * Registers a view's snapshot reload, called after every (re)connect — `reconnect` is false for the
 * tab's first connection, when the view has usually just loaded. Returns the unregister function.
 */
export function onResync(hook: ResyncHook): () => void {
  resyncHooks.add(hook);
  return () => resyncHooks.delete(hook);
}

function dispatch(event: string, payload: unknown): void {
  const meta = (payload as { meta?: EventMeta } | null)?.meta;
  if (!observeSeq(meta)) return;
  for (const handler of handlers.get(event) ?? []) (handler as (p: unknown) => void)(payload);
}

async function reauthenticate(): Promise<void> {
  if (authRetries >= MAX_AUTH_RETRIES) return setConnectionStatus('offline');
  authRetries += 1;
  setConnectionStatus('reconnecting');
  const session = await refreshSession();
  if (!session) return setConnectionStatus('offline');
  // The refresh listener may already have reconnected us.
  if (!socket?.connected && !socket?.active) socket?.connect();
}

/** A refreshed token is handed to the live connection in place; no reconnect, no lost events. */
async function swapToken(token: string): Promise<void> {
  const s = socket;
  if (!s?.connected) return;
  try {
    const result = await s.timeout(5_000).emitWithAck('session:refresh', { accessToken: token });
    if (!result.ok) throw new Error(result.error.code);
  } catch {
    // The server did not take it: a fresh handshake with the current token will.
    s.disconnect().connect();
  }
}

onAccessTokenChange((token) => {
  if (!token) return disconnectSocket();
  if (socket?.connected) return void swapToken(token);
  connectSocket();
});
/**
 * The browser knows at once when the network goes or comes back; the socket alone would notice a
 * dead network only when its ping times out (tens of seconds). Going offline closes the transport,
 * so sends queue straight away; coming back online reconnects now instead of at the next backoff.
 */
function followNetwork(): void {
  window.addEventListener('offline', () => {
    if (!socket?.active) return;
    socket.io.engine?.close();
    setConnectionStatus('offline');
  });
  window.addEventListener('online', () => {
    if (!socket || socket.connected || !getAccessToken()) return;
    setConnectionStatus('reconnecting');
    socket.disconnect().connect();
  });
}

if (typeof window !== 'undefined') followNetwork();
// This module may load after sign-in (route chunks load lazily): catch up with a token set before.
if (typeof window !== 'undefined' && getAccessToken()) connectSocket();
