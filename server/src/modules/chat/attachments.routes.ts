import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import busboy from 'busboy';
import { LIMITS, attachmentParams, fileTokenParams, uploadAttachmentQuery } from '@tp/shared';
import { authenticate, who } from '../../http/guards.js';
import { params, query } from '../../http/validate.js';
import { AppError } from '../../infra/errors.js';
import type { AppContext } from '../index.js';

/** Reads the one file of a multipart upload into memory, refusing more than the limit as it streams. */
function readUpload(req: Request): Promise<{ name: string; data: Buffer }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: LIMITS.chat.attachmentBytes, fields: 5 } });
    } catch {
      return reject(new AppError('request/invalid', 'Send the file as multipart/form-data in the field "file"', { fields: { file: 'required' } }));
    }
    let found: Promise<{ name: string; data: Buffer }> | null = null;
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || found) return void stream.resume();
      found = new Promise((done, fail) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('limit', () => fail(new AppError('request/too-large', 'Files are limited to 20 MB')));
        stream.on('end', () => done({ name: info.filename ?? 'file', data: Buffer.concat(chunks) }));
      });
      found.catch(() => undefined);
    });
    parser.on('error', () => reject(new AppError('request/invalid', 'The upload is malformed')));
    parser.on('close', () => {
      if (!found) return reject(new AppError('request/invalid', 'No file in the field "file"', { fields: { file: 'required' } }));
      found.then(resolve, reject);
    });
    req.pipe(parser);
  });
}

/** `POST /api/attachments`, `GET /api/attachments/:id/link` (members), `GET /api/files/:token` (signed link). */
export function attachmentRoutes({ infra, services }: AppContext): Router {
  const router = Router();
  const attachments = services.attachments;
  router.post('/attachments', authenticate(infra.tokens), async (req, res) => {
    const { chatId } = query(req, uploadAttachmentQuery);
    const actor = who(req);
    // Membership first, so a stranger's upload is refused before its bytes are read.
    await services.chat.get(actor, chatId);
    const { name, data } = await readUpload(req);
    res.status(201).json(await attachments.upload(actor, chatId, name, data));
  });
  router.get('/attachments/:id/link', authenticate(infra.tokens), async (req, res) => {
    res.json(await attachments.link(who(req), params(req, attachmentParams).id));
  });
  router.get('/files/:token', async (req, res) => {
    const file = await attachments.open(params(req, fileTokenParams).token);
    const inline = file.mime.startsWith('image/') || file.mime === 'application/pdf';
    res.setHeader('Content-Type', file.mime);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=600');
    res.setHeader('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.name)}`);
    if (Number.isFinite(file.size)) res.setHeader('Content-Length', String(file.size));
    // A reader who goes away ends the read from the disk or the store too.
    await pipeline(file.stream, res).catch(() => res.destroy());
  });
  return router;
}
