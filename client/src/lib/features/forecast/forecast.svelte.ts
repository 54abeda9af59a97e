import type { ForecastDto } from '@tp/shared';
import { http } from '$lib/api/http.js';

/** The pool's capacity forecast for the coming fortnight, reloaded on demand. */
export class Forecast {
  data = $state<ForecastDto | null>(null);
  error = $state<unknown>(null);
  loading = $state(false);

  constructor(private readonly timezone: () => string) {}

  async load(days = 14): Promise<void> {
    this.loading = true;
    try {
      this.data = await http.get<ForecastDto>('/api/pool/forecast', { days, timezone: this.timezone() });
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }
}
