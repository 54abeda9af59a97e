import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where uploaded files live; keys are opaque names chosen by the caller (no paths from users). */
export interface FileStorage {
  put(key: string, data: Buffer): Promise<void>;
  /** Null when there is no such file. */
  read(key: string): Promise<Buffer | null>;
  remove(key: string): Promise<void>;
}

const SAFE_KEY = /^[A-Za-z0-9_-]{8,128}$/;

/** Files on the local disk under a directory (by default `DATA_DIR/attachments`). */
export class LocalDiskStorage implements FileStorage {
  constructor(private readonly directory: string) {}

  private file(key: string): string {
    if (!SAFE_KEY.test(key)) throw new Error('Invalid storage key');
    // Two levels of fan-out keep directories small.
    return path.join(this.directory, key.slice(0, 2), key);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const target = this.file(key);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, data, { flag: 'wx' });
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.file(key));
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return null;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }
}

export function createStorage(env: { DATA_DIR: string }): FileStorage {
  return new LocalDiskStorage(path.resolve(env.DATA_DIR, 'attachments'));
}
