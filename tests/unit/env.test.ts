import { describe, expect, it } from 'vitest';
import { loadEnv, EnvError } from '../../server/src/config/env.js';

describe('configuration', () => {
  it('starts on embedded defaults with nothing set', () => {
    const env = loadEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.SWEEP_INTERVAL_S).toBe(60);
    expect(env.RELEASE_GRACE_MIN).toBe(15);
    expect(env.ZOOM_API_URL).toBe('https://api.zoom.us/v2');
  });

  it('stops with a message naming each bad variable', () => {
    expect(() => loadEnv({ PORT: 'eighty', REDIS_URL: 'http://nope' })).toThrow(EnvError);
    try {
      loadEnv({ PORT: 'eighty', REDIS_URL: 'http://nope' });
    } catch (error) {
      expect(String((error as Error).message)).toMatch(/PORT/);
      expect(String((error as Error).message)).toMatch(/REDIS_URL/);
    }
  });

  it('treats empty variables as unset', () => {
    expect(loadEnv({ DATABASE_URL: '', PORT: '4000' }).DATABASE_URL).toBeUndefined();
  });
});
