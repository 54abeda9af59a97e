import { isApiError } from '$lib/api/http.js';
import { t } from '$lib/i18n/i18n.svelte.js';
import { liveLessons } from './live-lessons.svelte.js';
import { meetingsApi, newIdempotencyKey } from './meetings.api.js';

/** However long the server says the pool stays full, look again at least this often (rooms can free early). */
const MAX_RETRY_WAIT_S = 120;

export type StartPhase = 'idle' | 'starting' | 'waiting' | 'ending' | 'opening';

/**
 * One lesson's Start / End / host-link flow for its teacher. A full pool is retried by itself while
 * the page is open, under the same Idempotency-Key, so a late answer never makes a second meeting.
 */
export class LessonStarter {
  phase = $state<StartPhase>('idle');
  error = $state<unknown>(null);
  /** When the next automatic attempt runs (ms since epoch), while the pool is full. */
  retryAt = $state<number | null>(null);
  /** The last host link, offered as a link when the browser blocked the new tab. */
  hostUrl = $state<string | null>(null);
  /** The browser refused the new tab: show the host link to click instead. */
  blocked = $state(false);
  private key: string | null = null;
  /** The flow in progress starts an ended lesson again (until it succeeds or is given up). */
  private restarting = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly lessonId: () => string) {}

  /** A click on Start: opens a tab right away (browsers only allow that inside the click) and fills it when the meeting exists. */
  start(): Promise<void> {
    this.key ??= newIdempotencyKey();
    return this.attempt(openPlaceholder());
  }

  /** "Start again" after a mistaken end: the same flow (new tab, pool-full retries) on the restart call. */
  restart(): Promise<void> {
    this.key ??= newIdempotencyKey();
    this.restarting = true;
    return this.attempt(openPlaceholder());
  }

  cancelRetry(): void {
    clearTimeout(this.timer);
    this.retryAt = null;
    this.key = null;
    this.restarting = false;
    if (this.phase === 'waiting') this.phase = 'idle';
  }

  async end(): Promise<void> {
    this.cancelRetry();
    this.phase = 'ending';
    this.error = null;
    try {
      const { lessonId } = await meetingsApi.end(this.lessonId());
      liveLessons.markEnded(lessonId);
      this.hostUrl = null;
      this.blocked = false;
    } catch (error) {
      if (isApiError(error, 'lesson/not-live')) liveLessons.markEnded(this.lessonId());
      else this.error = error;
    } finally {
      this.phase = 'idle';
    }
  }

  /** "Open host link" while live: the server hands out a fresh one when the stored link is old. */
  async openHost(): Promise<void> {
    const tab = openPlaceholder();
    this.phase = 'opening';
    this.error = null;
    try {
      const meeting = await meetingsApi.meeting(this.lessonId());
      if (!meeting.startUrl) throw new Error('no host link');
      this.hostUrl = meeting.startUrl;
      this.blocked = !navigate(tab, meeting.startUrl);
    } catch (error) {
      tab?.close();
      if (isApiError(error, 'lesson/not-live')) liveLessons.markEnded(this.lessonId());
      else this.error = error;
    } finally {
      this.phase = 'idle';
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private async attempt(tab: Window | null): Promise<void> {
    const eventId = this.lessonId();
    this.phase = 'starting';
    this.error = null;
    this.retryAt = null;
    try {
      const call = this.restarting ? meetingsApi.restart : meetingsApi.start;
      const meeting = await call(eventId, this.key ?? newIdempotencyKey());
      liveLessons.started(eventId, meeting);
      this.hostUrl = meeting.startUrl;
      this.key = null;
      this.restarting = false;
      this.phase = 'idle';
      // An automatic retry has no click to open a tab from: try anyway, the link stays on screen.
      this.blocked = !navigate(tab ?? window.open('', '_blank'), meeting.startUrl);
    } catch (error) {
      tab?.close();
      this.error = error;
      if (isApiError(error, 'pool/exhausted')) return this.scheduleRetry(error.retryAfter ?? 60);
      this.key = null;
      this.restarting = false;
      this.phase = 'idle';
    }
  }

  private scheduleRetry(seconds: number): void {
    const wait = Math.min(Math.max(seconds, 5), MAX_RETRY_WAIT_S) * 1000;
    this.phase = 'waiting';
    this.retryAt = Date.now() + wait;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.attempt(null), wait);
  }
}

function openPlaceholder(): Window | null {
  const tab = window.open('', '_blank');
  if (!tab) return null;
  try {
    tab.document.title = t('meeting.opening');
    tab.document.body.style.font = '16px system-ui, sans-serif';
    tab.document.body.textContent = t('meeting.opening');
  } catch {
    // Not our document any more: nothing to write.
  }
  return tab;
}

function navigate(tab: Window | null, url: string): boolean {
  if (!tab) return false;
  // The meeting page must not be able to steer this tab.
  tab.opener = null;
  tab.location.href = url;
  return true;
}
