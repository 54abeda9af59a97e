import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AwsClient } from 'aws4fetch';
import { checkedKey, type FileStorage, type StoredFile } from './storage.js';

export interface S3Settings {
  bucket: string;
  /** Default https://s3.<region>.amazonaws.com. */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** <endpoint>/<bucket>/<key> rather than <bucket>.<endpoint-host>/<key>. */
  forcePathStyle: boolean;
}

/** Waits this long for the store's answer to begin; a download's body then takes as long as the reader needs. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Files in an S3-compatible bucket (AWS, Yandex Object Storage, MinIO, …), each request signed with
 * AWS Signature V4. Uploads carry the SHA-256 of their body in the signature, so the store refuses a
 * body changed on the way. Objects stay private: members get them through the product's own signed
 * links, which stream from here.
 */
export class S3Storage implements FileStorage {
  private readonly client: AwsClient;
  private readonly base: URL;

  constructor(private readonly settings: S3Settings) {
    this.client = new AwsClient({
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      service: 's3',
      region: settings.region,
      // The caller's request fails soon and visibly rather than retrying for a minute.
      retries: 2,
    });
    const endpoint = new URL(settings.endpoint ?? `https://s3.${settings.region}.amazonaws.com`);
    this.base = settings.forcePathStyle
      ? new URL(`${endpoint.origin}${endpoint.pathname.replace(/\/+$/, '')}/${settings.bucket}/`)
      : new URL(`${endpoint.protocol}//${settings.bucket}.${endpoint.host}${endpoint.pathname.replace(/\/+$/, '')}/`);
  }

  private url(key: string): string {
    // Checked keys are letters, digits, - and _: they need no escaping.
    return new URL(`attachments/${checkedKey(key)}`, this.base).toString();
  }

  private async request(method: string, key: string, init: { body?: Buffer; headers?: Record<string, string> } = {}): Promise<Response> {
    // A copy typed as fetch wants it (≤ 20 MB, once per upload).
    const body = init.body && new Uint8Array(init.body);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`S3 ${method} did not answer in ${REQUEST_TIMEOUT_MS / 1000} s`)), REQUEST_TIMEOUT_MS);
    try {
      return await this.client.fetch(this.url(key), { method, headers: init.headers, body, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  private static async failure(response: Response, what: string): Promise<Error> {
    const detail = (await response.text().catch(() => '')).slice(0, 300);
    return new Error(`S3 ${what} failed: ${response.status} ${detail}`);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const response = await this.request('PUT', key, {
      body: data,
      headers: {
        'Content-Type': 'application/octet-stream',
        'X-Amz-Content-Sha256': createHash('sha256').update(data).digest('hex'),
      },
    });
    if (!response.ok) throw await S3Storage.failure(response, 'upload');
    await response.arrayBuffer();
  }

  async read(key: string): Promise<StoredFile | null> {
    const response = await this.request('GET', key);
    if (response.status === 404) {
      await response.arrayBuffer();
      return null;
    }
    if (!response.ok || !response.body) throw await S3Storage.failure(response, 'download');
    return { size: Number(response.headers.get('content-length')), stream: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) };
  }

  async remove(key: string): Promise<void> {
    const response = await this.request('DELETE', key);
    // Deleting what is already gone is success, as on the local disk.
    if (!response.ok && response.status !== 404) throw await S3Storage.failure(response, 'delete');
    await response.arrayBuffer().catch(() => undefined);
  }
}
