/**
 * The class's own machines for `bench:signin`: a process apart from the one that times the other
 * API calls, so the work of sending 200 sign-ins and reading their answers never delays that
 * process's clock. On `burst` every student presses "Sign in" at a random moment within
 * `spreadMs`; the reply gives each sign-in's status and latency.
 */
type Command = { type: 'burst'; url: string; emails: string[]; password: string; spreadMs: number } | { type: 'stop' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function signIn(url: string, email: string, password: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }).catch(() => null);
  await res?.arrayBuffer();
  return { status: res?.status ?? 0, ms: performance.now() - started };
}

process.on('message', async (command: Command) => {
  if (command.type === 'stop') process.exit(0);
  const results = await Promise.all(
    command.emails.map(async (email) => {
      await sleep(Math.random() * command.spreadMs);
      return signIn(command.url, email, command.password);
    }),
  );
  process.send?.({ type: 'burst-done', results });
});

process.send?.({ type: 'ready' });
