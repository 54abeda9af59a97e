import { Router } from 'express';
import type { AppContext } from '../index.js';
import { API_ROUTES } from './api-routes.js';
import { buildOpenApi } from './openapi.js';
import { renderDocsPage } from './docs.page.js';

const VERSION = '1.0.0';

/** `GET /api/openapi.json` and the reference page `GET /api/docs`: built once, served from this process. */
export function docsRoutes(_ctx: AppContext): Router {
  const router = Router();
  let document: string | undefined;
  let page: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= JSON.stringify(buildOpenApi(API_ROUTES, { title: 'Teaching Panel API', version: VERSION }));
    res.type('application/json').send(document);
  });
  router.get('/docs', (_req, res) => {
    page ??= renderDocsPage(API_ROUTES, VERSION);
    res.type('text/html; charset=utf-8').send(page);
  });
  return router;
}
