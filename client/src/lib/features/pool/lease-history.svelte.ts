import { LIMITS, type LeaseDto } from '@tp/shared';
import { http } from '$lib/api/http.js';
import type { LeaseSpan } from './occupancy.js';

const HOUR_MS = 60 * 60 * 1000;
/** A lease acquired this long before the window may still reach into it (longest lesson plus grace). */
const REACH_BACK_MS = LIMITS.lessonMinutes.max * 60_000 + 2 * HOUR_MS;
/** Enough for a busy school's week; beyond it the chart says it is partial. */
const MAX_PAGES = 25;

/**
 * Lease history for the occupancy chart, read newest first from `GET /api/pool/leases` until it
 * reaches back past the window.
 */
export class LeaseHistory {
  spans = $state<LeaseSpan[]>([]);
  loading = $state(false);
  error = $state<unknown>(null);
  /** The page limit stopped the reading before the window's start. */
  partial = $state(false);
  loadedAt = $state(0);

  async load(since: number): Promise<void> {
    this.loading = true;
    const limit = LIMITS.page.max;
    const spans: LeaseSpan[] = [];
    try {
      let complete = false;
      for (let page = 0; page < MAX_PAGES && !complete; page += 1) {
        const { items, total } = await http.get<{ items: LeaseDto[]; total: number }>('/api/pool/leases', { limit, offset: page * limit });
        for (const lease of items) {
          spans.push({ id: lease.id, start: Date.parse(lease.acquiredAt), end: lease.releasedAt ? Date.parse(lease.releasedAt) : null });
        }
        const oldest = items.at(-1);
        complete = items.length < limit || (page + 1) * limit >= total || (oldest !== undefined && Date.parse(oldest.acquiredAt) < since - REACH_BACK_MS);
      }
      this.partial = !complete;
      this.spans = spans;
      this.error = null;
      this.loadedAt = Date.now();
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }
}
