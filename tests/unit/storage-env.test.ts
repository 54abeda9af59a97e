import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../server/src/config/env.js';
import { createStorage, LocalDiskStorage } from '../../server/src/infra/storage.js';
import { S3Storage } from '../../server/src/infra/s3-storage.js';

const errorOf = (source: Record<string, string>) => {
  try {
    loadEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.message;
    throw error;
  }
  return null;
};

describe('file storage settings', () => {
  it('keeps files on the local disk unless a bucket is named; a bucket with its keys means S3', () => {
    expect(createStorage(loadEnv({}))).toBeInstanceOf(LocalDiskStorage);
    const env = loadEnv({ S3_BUCKET: 'school-files', S3_ACCESS_KEY_ID: 'AK', S3_SECRET_ACCESS_KEY: 'SK', S3_ENDPOINT: 'https://storage.yandexcloud.net', S3_REGION: 'ru-central1' });
    expect(env).toMatchObject({ S3_REGION: 'ru-central1', S3_FORCE_PATH_STYLE: false });
    expect(createStorage(env)).toBeInstanceOf(S3Storage);
    // Empty values (as docker-compose passes unset ones) count as unset.
    expect(createStorage(loadEnv({ S3_BUCKET: '', S3_ACCESS_KEY_ID: '', S3_FORCE_PATH_STYLE: '' }))).toBeInstanceOf(LocalDiskStorage);
  });

  it('says in one line what is missing or malformed, without echoing secrets', () => {
    expect(errorOf({ S3_BUCKET: 'school-files', S3_SECRET_ACCESS_KEY: 'very-secret' })).toBe('invalid setting — S3_ACCESS_KEY_ID: required when S3_BUCKET is set');
    expect(errorOf({ S3_ACCESS_KEY_ID: 'AK', S3_SECRET_ACCESS_KEY: 'very-secret' })).toBe('invalid setting — S3_BUCKET: required when other S3_ settings are given');
    const bad = errorOf({ S3_BUCKET: 'Not_A_Bucket', S3_ENDPOINT: 'storage', S3_FORCE_PATH_STYLE: 'yes', S3_ACCESS_KEY_ID: 'AK', S3_SECRET_ACCESS_KEY: 'very-secret' });
    expect(bad).toMatch(/^invalid settings — S3_BUCKET: expected a bucket name.*; S3_ENDPOINT: expected an absolute URL.*; S3_FORCE_PATH_STYLE: expected true or false$/);
    expect(bad).not.toContain('very-secret');
    expect(bad).not.toContain('\n');
  });
});
