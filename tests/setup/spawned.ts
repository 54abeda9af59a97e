import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** A command run the way the README says (`npm start`, `npm run worker`), watched from outside. */
export interface Spawned {
  readonly output: () => string;
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  exited(ms?: number): Promise<number | null>;
  stop(): Promise<void>;
}

export function spawnNpm(args: string[], env: Record<string, string>): Spawned {
  // Its own process group, so stopping it also stops the node process npm started.
  const child: ChildProcess = spawn('npm', args, {
    cwd: root,
    env: { ...process.env, NODE_ENV: '', LOG_LEVEL: 'info', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    listeners.forEach((listener) => listener());
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  return {
    output: () => output,
    waitFor(pattern, ms = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (!match) return;
          cleanup();
          resolve(match[0]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`"${args.join(' ')}" printed no ${pattern} within ${ms} ms; output:\n${output.slice(-4000)}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    exited(ms = 30_000) {
      return Promise.race([exit, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`"${args.join(' ')}" still running after ${ms} ms:\n${output.slice(-4000)}`)), ms))]);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        return;
      }
      const stopped = await Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      if (!stopped) process.kill(-child.pid!, 'SIGKILL');
    },
  };
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
