import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A small S3-compatible store on localhost: PutObject, GetObject, HeadObject and DeleteObject,
 * path-style (`/<bucket>/<key>`), objects in memory. Every request must carry a valid AWS Signature
 * V4 made with the one known key pair — in the Authorization header (with the body's SHA-256 checked
 * when it is given) or in a presigned query that has not expired — as a real store demands.
 */
export interface FakeS3Options {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  bucket?: string;
  /** The store's notion of now, for request-date skew and presigned expiry. Default: real time. */
  now?: () => Date;
}

export interface StoredObject {
  body: Buffer;
  contentType: string;
}

export interface FakeS3 {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  objects: Map<string, StoredObject>;
  /** Requests refused for their signature or date, with the reason given. */
  refused: { method: string; path: string; code: string }[];
  /** While set, matching signed requests get 503 SlowDown, as a struggling store answers. */
  failing: ((method: string, key: string) => boolean) | null;
  /** The env settings that point the product at this store. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** How far a signed request's date may be from the store's clock (S3's own rule). */
const MAX_SKEW_MS = 15 * 60_000;
const MAX_PRESIGN_S = 7 * 24 * 3600;

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
/** RFC 3986 encoding as SigV4 wants it: everything but A–Z a–z 0–9 - _ . ~ is percent-encoded. */
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `20261202T040000Z` → a Date. */
function amzDate(value: string | undefined): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) throw new Refusal(403, 'AccessDenied', 'X-Amz-Date is missing or malformed');
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

interface Claim {
  credential: string;
  signedHeaders: string[];
  signature: string;
  date: string;
  payloadHash: string;
  /** Query pairs that take part in the canonical request (all but the signature itself when presigned). */
  query: [string, string][];
}

function claimOf(req: IncomingMessage, url: URL, body: Buffer): Claim {
  const pairs = [...url.searchParams];
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) throw new Refusal(400, 'AuthorizationHeaderMalformed', 'The Authorization header is malformed');
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
    if (!payloadHash) throw new Refusal(400, 'InvalidRequest', 'Missing x-amz-content-sha256');
    if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) throw new Refusal(400, 'XAmzContentSHA256Mismatch', 'The body does not match its hash');
    return { credential: m[1]!, signedHeaders: m[2]!.split(';'), signature: m[3]!, date: String(req.headers['x-amz-date'] ?? ''), payloadHash, query: pairs };
  }
  const q = url.searchParams;
  if (q.get('X-Amz-Algorithm') !== ALGORITHM) throw new Refusal(403, 'AccessDenied', 'The request is not signed');
  return {
    credential: q.get('X-Amz-Credential') ?? '',
    signedHeaders: (q.get('X-Amz-SignedHeaders') ?? '').split(';'),
    signature: q.get('X-Amz-Signature') ?? '',
    date: q.get('X-Amz-Date') ?? '',
    payloadHash: 'UNSIGNED-PAYLOAD',
    query: pairs.filter(([k]) => k !== 'X-Amz-Signature'),
  };
}

function canonicalRequest(req: IncomingMessage, url: URL, claim: Claim): string {
  const path = url.pathname
    .split('/')
    .map((segment) => encode(decodeURIComponent(segment)))
    .join('/');
  const query = claim.query
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  if (!claim.signedHeaders.includes('host')) throw new Refusal(403, 'AccessDenied', 'The host header must be signed');
  const headers = claim.signedHeaders.map((name) => {
    const value = req.headers[name];
    if (value === undefined) throw new Refusal(403, 'AccessDenied', `Signed header ${name} is missing`);
    return `${name}:${(Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ')}\n`;
  });
  return [req.method, path, query, headers.join(''), claim.signedHeaders.join(';'), claim.payloadHash].join('\n');
}

export async function startFakeS3(options: FakeS3Options = {}): Promise<FakeS3> {
  const accessKeyId = options.accessKeyId ?? 'AKIAFAKES3TEST000001';
  const secretAccessKey = options.secretAccessKey ?? 'fake/s3/secret/key/for/tests/only/0000001';
  const region = options.region ?? 'us-east-1';
  const bucket = options.bucket ?? 'tp-test';
  const now = options.now ?? (() => new Date());
  const objects = new Map<string, StoredObject>();
  const refused: FakeS3['refused'] = [];

  function verify(req: IncomingMessage, url: URL, body: Buffer): void {
    const claim = claimOf(req, url, body);
    const [keyId, day, scopeRegion, service, terminator, ...rest] = claim.credential.split('/');
    if (keyId !== accessKeyId) throw new Refusal(403, 'InvalidAccessKeyId', 'The access key is not known');
    if (rest.length || service !== 's3' || terminator !== 'aws4_request') throw new Refusal(403, 'AuthorizationHeaderMalformed', 'The credential scope is malformed');
    if (scopeRegion !== region) throw new Refusal(400, 'AuthorizationHeaderMalformed', `The region is wrong; expecting '${region}'`);
    const signedAt = amzDate(claim.date);
    if (day !== claim.date.slice(0, 8)) throw new Refusal(403, 'SignatureDoesNotMatch', 'The credential date is not the request date');
    if (req.headers.authorization) {
      if (Math.abs(now().getTime() - signedAt.getTime()) > MAX_SKEW_MS) throw new Refusal(403, 'RequestTimeTooSkewed', 'The request time is too far from the server time');
    } else {
      const expires = Number(url.searchParams.get('X-Amz-Expires'));
      if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_S) throw new Refusal(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires is out of range');
      if (now().getTime() > signedAt.getTime() + expires * 1000) throw new Refusal(403, 'AccessDenied', 'Request has expired');
    }
    const scope = `${day}/${region}/s3/aws4_request`;
    const toSign = [ALGORITHM, claim.date, scope, sha256(canonicalRequest(req, url, claim))].join('\n');
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day!), region), 's3'), 'aws4_request');
    const expected = hmac(signingKey, toSign);
    const given = Buffer.from(claim.signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new Refusal(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake-s3');
    try {
      verify(req, url, body);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      refused.push({ method: req.method ?? '', path: url.pathname, code: error.code });
      return fail(res, error);
    }
    const [, bucketName, ...keyParts] = url.pathname.split('/');
    const key = keyParts.map(decodeURIComponent).join('/');
    if (bucketName !== bucket) return fail(res, new Refusal(404, 'NoSuchBucket', 'The specified bucket does not exist'));
    if (!key) return fail(res, new Refusal(501, 'NotImplemented', 'Only object operations are implemented'));
    if (store.failing?.(req.method ?? '', key)) return fail(res, new Refusal(503, 'SlowDown', 'Please reduce your request rate.'));
    const object = objects.get(key);
    switch (req.method) {
      case 'PUT':
        objects.set(key, { body, contentType: String(req.headers['content-type'] ?? 'binary/octet-stream') });
        res.writeHead(200, { ETag: `"${createHash('md5').update(body).digest('hex')}"` }).end();
        return;
      case 'GET':
      case 'HEAD':
        if (!object) return fail(res, new Refusal(404, 'NoSuchKey', 'The specified key does not exist.'));
        res.writeHead(200, { 'Content-Type': object.contentType, 'Content-Length': object.body.length });
        res.end(req.method === 'GET' ? object.body : undefined);
        return;
      case 'DELETE':
        objects.delete(key);
        res.writeHead(204).end();
        return;
      default:
        return fail(res, new Refusal(405, 'MethodNotAllowed', 'The specified method is not allowed'));
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const store: FakeS3 = {
    url,
    accessKeyId,
    secretAccessKey,
    region,
    bucket,
    objects,
    refused,
    failing: null,
    env: () => ({
      S3_ENDPOINT: url,
      S3_REGION: region,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: accessKeyId,
      S3_SECRET_ACCESS_KEY: secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return store;
}

function fail(res: ServerResponse, error: Refusal): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${error.code}</Code><Message>${error.message}</Message></Error>`;
  res.writeHead(error.status, { 'Content-Type': 'application/xml' }).end(xml);
}
