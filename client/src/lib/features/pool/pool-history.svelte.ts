import type { HeatmapDto, OccupancyDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

/** Weeks of lease history behind the hour-of-week heat map. */
export const HEATMAP_WEEKS = 4;

/**
 * The pool's lease history as the server sums it up: occupancy per bucket for the chosen range and
 * the hour-of-week saturation grid in the viewer's timezone. Each reload replaces both at once.
 */
export class PoolHistory {
  occupancy = $state<OccupancyDto | null>(null);
  heatmap = $state<HeatmapDto | null>(null);
  error = $state<unknown>(null);
  loadedAt = $state(0);

  constructor(private readonly timezone: () => string) {}

  async load(range: OccupancyDto['range']): Promise<void> {
    try {
      const [occupancy, heatmap] = await Promise.all([
        http.get<OccupancyDto>('/api/pool/occupancy', { range }),
        http.get<HeatmapDto>('/api/pool/heatmap', { weeks: HEATMAP_WEEKS, timezone: this.timezone() }),
      ]);
      this.occupancy = occupancy;
      this.heatmap = heatmap;
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loadedAt = Date.now();
    }
  }
}
