import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ApiErrorBody } from '@tp/shared';
import { AppError } from '../infra/errors.js';
import type { Logger } from '../infra/logger.js';

export function sendError(res: Parameters<RequestHandler>[1], error: AppError): void {
  if (error.details.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(error.details.retryAfterSeconds))));
  }
  const body: ApiErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details.fields) body.error.fields = error.details.fields;
  res.status(error.status).json(body);
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('request/not-found', `No route for ${req.method} ${req.path}`));
};

/** The one place unexpected errors end: logged in full, answered without internals. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof AppError) return sendError(res, error);
    const status: number | undefined = error?.status ?? error?.statusCode;
    const type: string | undefined = error?.type;
    if (type === 'entity.parse.failed') return sendError(res, new AppError('request/malformed-json', 'The body is not valid JSON'));
    if (type === 'entity.too.large') return sendError(res, new AppError('request/too-large', 'The body is too large'));
    if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
      return sendError(res, new AppError('request/invalid', 'Unsupported body encoding'));
    }
    if (error instanceof URIError) return sendError(res, new AppError('request/invalid', 'Malformed URL'));
    if (status && status >= 400 && status < 500) {
      return sendError(res, new AppError('request/invalid', 'The request could not be read'));
    }
    logger.error({ err: error, requestId: req.requestId, path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal/error', message: 'Something went wrong on our side' } } satisfies ApiErrorBody);
  };
}
