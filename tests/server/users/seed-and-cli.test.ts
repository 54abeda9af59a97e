import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { createTestApp, TEST_SECRETS } from '../../setup/app.js';
import { DEMO_ACCOUNTS, extraSeeds, seedDemo } from '../../../server/src/seed/demo.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

describe('demo seed', () => {
  it('creates the demo accounts once, confirmed and able to sign in', async () => {
    const app = await createTestApp({ env: { SEED_DEMO: 'true' } });
    const seen: string[] = [];
    // Only this module's part: other modules' demo data is theirs to test.
    const others = extraSeeds.splice(0);
    extraSeeds.push(async (_ctx, users) => {
      seen.push(`${users.admin.email}|${users.teachers.length}|${users.students.length}`);
      return ['  extra line'];
    });
    try {
      const lines = await seedDemo(app.ctx);
      expect(lines).not.toBeNull();
      expect(lines!.join('\n')).toContain('teacher1@demo.local');
      expect(lines!.at(-1)).toBe('  extra line');
      expect(seen).toEqual(['admin@demo.local|2|5']);
      expect(await seedDemo(app.ctx)).toBeNull();
    } finally {
      extraSeeds.splice(0, extraSeeds.length, ...others);
    }
    expect(DEMO_ACCOUNTS.map((a) => a.role).sort()).toEqual(['admin', 'student', 'student', 'student', 'student', 'student', 'teacher', 'teacher']);
    for (const account of DEMO_ACCOUNTS) {
      const res = await request(app.url).post('/api/auth/login').send({ email: account.email, password: account.password });
      expect(res.status, account.email).toBe(200);
      expect(res.body.user).toMatchObject({ role: account.role, emailVerified: true });
    }
  });

  it('does nothing when SEED_DEMO is off', async () => {
    const app = await createTestApp();
    expect(await seedDemo(app.ctx)).toBeNull();
    expect(await app.ctx.services.users.count()).toBe(0);
  });
});

describe('create-admin command', () => {
  it('creates an admin, then promotes an existing user', async () => {
    const app = await createTestApp();
    const env = { ...process.env, ...TEST_SECRETS, DATABASE_URL: app.databaseUrl, LOG_LEVEL: 'silent' };
    const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/src/cli/create-admin.ts', ...args], { cwd: root, env });

    const created = await cli('--email', 'Chief@Example.test', '--password', 'Chief1Pass');
    expect(created.stdout).toContain('Created admin chief@example.test');
    const login = await request(app.url).post('/api/auth/login').send({ email: 'chief@example.test', password: 'Chief1Pass' });
    expect(login.body.user.role).toBe('admin');

    await request(app.url).post('/api/auth/register').send({ email: 'teach@example.test', password: 'Teach1Pass', firstName: 'T', lastName: 'T', role: 'teacher' });
    const promoted = await cli('--email', 'teach@example.test', '--password', 'Other1Pass');
    expect(promoted.stdout).toContain('is now an admin');
    expect((await request(app.url).post('/api/auth/login').send({ email: 'teach@example.test', password: 'Other1Pass' })).body.user.role).toBe('admin');

    await expect(cli('--email', 'weak@example.test', '--password', 'weak')).rejects.toMatchObject({ code: 1 });
    expect(await app.ctx.services.users.findByEmail('weak@example.test')).toBeNull();
  }, 60_000);
});
