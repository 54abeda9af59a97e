import type { JobsOverview } from '@tp/shared';
import { http } from '$lib/api/http.js';

const REFRESH_MS = 5_000;

/** `GET /api/admin/jobs`, refreshed while the page is open so the admin watches the queue drain. */
export class JobsView {
  overview = $state<JobsOverview | null>(null);
  error = $state<unknown>(null);
  /** Ids being retried, and the last retry's outcome. */
  retrying = $state<string[]>([]);
  retryError = $state<unknown>(null);
  retried = $state(false);
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Starts loading and refreshing; returns the stop function (for `$effect`). */
  watch(): () => void {
    void this.load();
    this.timer = setInterval(() => void this.load(), REFRESH_MS);
    return () => clearInterval(this.timer);
  }

  async load(): Promise<void> {
    try {
      this.overview = await http.get<JobsOverview>('/api/admin/jobs');
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }

  async retry(id: string): Promise<void> {
    this.retrying = [...this.retrying, id];
    this.retryError = null;
    this.retried = false;
    try {
      await http.post(`/api/admin/jobs/${id}/retry`);
      this.retried = true;
      await this.load();
    } catch (error) {
      this.retryError = error;
    } finally {
      this.retrying = this.retrying.filter((other) => other !== id);
    }
  }
}
