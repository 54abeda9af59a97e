import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Env } from '../config/env.js';
import { S3Storage } from './s3-storage.js';

/** Where uploaded files live; keys are opaque names chosen by the caller (no paths from users). */
export interface FileStorage {
  /** Stores a new file under a key never used before. */
  put(key: string, data: Buffer): Promise<void>;
  /** The file as a stream (a download never holds a whole file in memory); null when there is none. */
  read(key: string): Promise<StoredFile | null>;
  remove(key: string): Promise<void>;
}

export interface StoredFile {
  size: number;
  stream: Readable;
}

const SAFE_KEY = /^[A-Za-z0-9_-]{8,128}$/;

/** The key itself when it is one the product makes (letters, digits, - and _), so it is safe in a path or URL. */
export function checkedKey(key: string): string {
  if (!SAFE_KEY.test(key)) throw new Error('Invalid storage key');
  return key;
}

/** Files on the local disk under a directory (by default `DATA_DIR/attachments`). */
export class LocalDiskStorage implements FileStorage {
  constructor(private readonly directory: string) {}

  private file(key: string): string {
    // Two levels of fan-out keep directories small.
    return path.join(this.directory, checkedKey(key).slice(0, 2), key);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const target = this.file(key);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, data, { flag: 'wx' });
  }

  async read(key: string): Promise<StoredFile | null> {
    try {
      const handle = await open(this.file(key));
      const { size } = await handle.stat().catch(async (error: unknown) => {
        await handle.close();
        throw error;
      });
      return { size, stream: handle.createReadStream() };
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return null;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }
}

/** The S3-compatible bucket when S3_BUCKET is set (the env schema then requires its keys), else the local disk. */
export function createStorage(env: Pick<Env, 'DATA_DIR' | 'S3_BUCKET' | 'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE'>): FileStorage {
  if (env.S3_BUCKET && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY) {
    return new S3Storage({
      bucket: env.S3_BUCKET,
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    });
  }
  return new LocalDiskStorage(path.resolve(env.DATA_DIR, 'attachments'));
}
