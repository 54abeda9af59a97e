import { Router } from 'express';
import { forecastQuery, heatmapQuery, occupancyQuery, isValidTimezone } from '@tp/shared';
import { authenticate, requireRole } from '../../http/guards.js';
import { query } from '../../http/validate.js';
import { AppError } from '../../infra/errors.js';
import type { AppContext } from '../index.js';

/** Admin-only pool analytics: occupancy history, saturation heat map, capacity forecast. */
export function analyticsRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const adminOnly = [authenticate(infra.tokens), requireRole('admin')];

  router.get('/pool/occupancy', ...adminOnly, async (req, res) => {
    const { range } = query(req, occupancyQuery);
    res.json(await services.analytics.occupancy(range));
  });

  router.get('/pool/heatmap', ...adminOnly, async (req, res) => {
    const { weeks, timezone } = query(req, heatmapQuery);
    res.json(await services.analytics.heatmap(weeks, checkedZone(timezone)));
  });

  router.get('/pool/forecast', ...adminOnly, async (req, res) => {
    const { days, timezone } = query(req, forecastQuery.extend({ timezone: heatmapQuery.shape.timezone }));
    res.json(await services.analytics.forecast(days, checkedZone(timezone)));
  });
  return router;
}

function checkedZone(zone: string | undefined): string {
  if (zone === undefined) return 'UTC';
  if (!isValidTimezone(zone)) throw new AppError('request/invalid', 'Unknown timezone', { fields: { timezone: 'unknown timezone' } });
  return zone;
}
