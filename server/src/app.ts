import express, { type Express } from 'express';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LIMITS } from '@tp/shared';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { moduleRoutes, type AppContext } from './modules/index.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

declare module 'express-serve-static-core' {
  interface Request {
    /** The exact bytes received, for signature checks (webhooks). */
    rawBody?: Buffer;
  }
}

export interface AppOptions {
  /** The built client (SvelteKit static build) to serve with an SPA fallback. */
  clientDir?: string;
}

/** The Express app without listening: what the HTTP entry and the tests use. */
export function createApp(ctx: AppContext, options: AppOptions = {}): Express {
  const { infra } = ctx;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', infra.env.TRUST_PROXY);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const incoming = req.headers['x-request-id'];
    req.requestId = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.requestId);
    next();
  });
  app.use(
    pinoHttp({
      logger: infra.logger,
      genReqId: (req) => (req as express.Request).requestId ?? randomUUID(),
      autoLogging: { ignore: (req) => req.url === '/api/health' || req.url === '/metrics' },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    }),
  );
  app.use((req, res, next) => {
    const stop = infra.metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => stop({ route: req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched', status: res.statusCode }));
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'", "'unsafe-inline'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  app.use(cookieParser());
  app.use(
    express.json({
      limit: LIMITS.bodyBytes,
      strict: true,
      type: ['application/json', 'application/*+json'],
      verify: (req, _res, buffer) => {
        (req as express.Request).rawBody = buffer;
        try {
          utf8.decode(buffer);
        } catch {
          throw Object.assign(new Error('invalid UTF-8'), { status: 400, type: 'encoding.unsupported' });
        }
      },
    }),
  );

  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', infra.metrics.registry.contentType);
    res.send(await infra.metrics.registry.metrics());
  });

  const api = express.Router();
  for (const routes of moduleRoutes) api.use(routes(ctx));
  api.use(notFoundHandler);
  app.use('/api', api);

  const clientDir = options.clientDir;
  if (clientDir && existsSync(path.join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: false, maxAge: '1h', setHeaders: noCacheHtml }));
    // The client is a single-page app: every other GET gets its shell.
    app.get(/^(?!\/api\/|\/socket\.io\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(clientDir, 'index.html'));
    });
  }
  app.use(notFoundHandler);
  app.use(errorHandler(infra.logger));
  return app;
}

function noCacheHtml(res: express.Response, file: string): void {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
