import type { DemoMeetingDto } from '@tp/shared';
import { http } from '$lib/api/http.js';
import { connection, getSocket, onResync, onSocket, whenSessionReady } from '$lib/api/socket.js';
import { session } from '$features/auth/session.svelte.js';

/** Without a live socket (a visitor not signed in) the page looks again this often to notice an end. */
const POLL_MS = 10_000;

/**
 * The built-in demo provider's meeting, read by its unguessable id (and the host token, if any). A
 * signed-in participant is counted by the read itself; the end and new arrivals come over the socket.
 */
export class DemoMeeting {
  meeting = $state<DemoMeetingDto | null>(null);
  error = $state<unknown>(null);
  loading = $state(true);
  ending = $state(false);
  endError = $state<unknown>(null);
  /** Server clock minus this browser's, so every viewer counts the same elapsed time. */
  private clockOffset = 0;
  /** The socket connection that said this page is open (`meeting:enter`). */
  private enteredOn: string | null = null;

  constructor(
    private readonly meetingId: string,
    private readonly hostToken: string | null,
  ) {}

  private get path(): string {
    return `/api/demo-meetings/${encodeURIComponent(this.meetingId)}`;
  }

  get running(): boolean {
    return this.meeting?.status === 'live';
  }

  /** Milliseconds since the lesson started, on the server's clock; null before it started. */
  elapsedAt(browserNow: number): number | null {
    const started = this.meeting?.startedAt;
    return started ? browserNow + this.clockOffset - Date.parse(started) : null;
  }

  async load(): Promise<void> {
    try {
      this.adopt(await http.get<DemoMeetingDto>(this.path, this.hostToken ? { host: this.hostToken } : undefined, { noRefresh: true }));
      this.error = null;
      void this.enter();
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  private get presence() {
    return { meetingId: this.meetingId, ...(this.hostToken ? { hostToken: this.hostToken } : {}) };
  }

  /**
   * Tells the server over this tab's socket that the page is open: the person's time in the meeting
   * runs until the page says it leaves or the socket goes away (a closed tab), so it is not counted on.
   */
  private async enter(): Promise<void> {
    if (!this.meeting?.counted || !this.running) return;
    if (!(await whenSessionReady(10_000))) return;
    const socket = getSocket();
    // once per connection: the server ends the stay when this socket goes, a reconnect enters anew
    if (!socket.id || socket.id === this.enteredOn) return;
    this.enteredOn = socket.id;
    await socket.timeout(5_000).emitWithAck('meeting:enter', this.presence).catch(() => undefined);
  }

  private leave(): void {
    const socket = getSocket();
    this.enteredOn = null;
    if (this.meeting?.counted && socket.connected) socket.emit('meeting:leave', this.presence);
  }

  /** Signs in from the cookie first (so the visit counts), loads, then follows; returns the cleanup. */
  follow(): () => void {
    void session.restore().finally(() => this.load());
    const mine = (lessonId: string) => lessonId === this.meeting?.lessonId;
    const stops = [
      onSocket('lesson:ended', ({ lessonId }) => {
        if (mine(lessonId) && this.meeting) this.meeting = { ...this.meeting, status: 'completed' };
      }),
      // Restarted on a new meeting: this one is over.
      onSocket('lesson:live', ({ lessonId, meetingId }) => {
        if (mine(lessonId) && meetingId !== this.meetingId && this.meeting) this.meeting = { ...this.meeting, status: 'completed' };
      }),
      onSocket('meeting:joined', ({ meetingId, participants }) => {
        if (meetingId === this.meetingId && this.meeting?.counted) this.meeting = { ...this.meeting, participants };
      }),
      onResync(({ reconnect }) => {
        if (reconnect) void this.load();
      }),
    ];
    const timer = setInterval(() => {
      if (this.running && connection.status !== 'connected') void this.load();
    }, POLL_MS);
    // closing the tab or leaving the page ends the stay; back from the browser's page cache, a new one
    const hidden = () => this.leave();
    const shown = (event: PageTransitionEvent) => {
      if (event.persisted) void this.enter();
    };
    window.addEventListener('pagehide', hidden);
    window.addEventListener('pageshow', shown);
    return () => {
      clearInterval(timer);
      for (const stop of stops) stop();
      window.removeEventListener('pagehide', hidden);
      window.removeEventListener('pageshow', shown);
      this.leave();
    };
  }

  /** The host's End: the server releases the room exactly as when the provider reports the end. */
  async end(): Promise<void> {
    if (!this.hostToken) return;
    this.ending = true;
    this.endError = null;
    try {
      this.adopt(await http.post<DemoMeetingDto>(`${this.path}/end`, { hostToken: this.hostToken }, { noRefresh: true }));
    } catch (error) {
      this.endError = error;
    } finally {
      this.ending = false;
    }
  }

  private adopt(meeting: DemoMeetingDto): void {
    this.clockOffset = Date.parse(meeting.serverNow) - Date.now();
    this.meeting = meeting;
  }
}
