import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const built = path.join(root, 'client/build/index.html');
const sources = ['client/src', 'client/static', 'shared/src'].map((dir) => path.join(root, dir));
const configs = ['client/svelte.config.js', 'client/vite.config.ts', 'client/package.json'].map((file) => path.join(root, file));

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

/** The browser tests run against the built client: build it when it is missing or older than its sources. */
export default function setup(): void {
  const newestSource = Math.max(...sources.map(newestMtime), ...configs.map(newestMtime));
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource) return;
  // Test runs started side by side share client/build: `flock` makes their builds take turns.
  const build = ['npm', 'run', 'build', '-w', 'client'];
  const locked = spawnSync('flock', [path.join(tmpdir(), 'tp-client-build.lock'), ...build], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const result = locked.error ? spawnSync(build[0]!, build.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' }) : locked;
  if (result.status !== 0) throw new Error(`Client build failed:\n${result.stdout}\n${result.stderr}`);
}
