import type { DemoMeetingDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

/** The demo room is not signed in and has no socket: it looks again this often to notice an end. */
const POLL_MS = 10_000;

/** The built-in demo provider's meeting, read by its unguessable id (and the host token, if any). */
export class DemoMeeting {
  meeting = $state<DemoMeetingDto | null>(null);
  error = $state<unknown>(null);
  loading = $state(true);
  ending = $state(false);
  endError = $state<unknown>(null);

  constructor(
    private readonly meetingId: string,
    private readonly hostToken: string | null,
  ) {}

  private get path(): string {
    return `/api/demo-meetings/${encodeURIComponent(this.meetingId)}`;
  }

  async load(): Promise<void> {
    try {
      this.meeting = await http.get<DemoMeetingDto>(this.path, this.hostToken ? { host: this.hostToken } : undefined, { noRefresh: true });
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  /** Loads and keeps looking while the meeting runs; returns the cleanup. */
  follow(): () => void {
    void this.load();
    const timer = setInterval(() => {
      if (this.meeting?.status === 'live' || this.meeting?.status === 'scheduled') void this.load();
    }, POLL_MS);
    return () => clearInterval(timer);
  }

  /** The host's End: the server releases the room exactly as when the provider reports the end. */
  async end(): Promise<void> {
    if (!this.hostToken) return;
    this.ending = true;
    this.endError = null;
    try {
      this.meeting = await http.post<DemoMeetingDto>(`${this.path}/end`, { hostToken: this.hostToken }, { noRefresh: true });
    } catch (error) {
      this.endError = error;
    } finally {
      this.ending = false;
    }
  }
}
