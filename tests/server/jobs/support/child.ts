import { startQueueWorker } from './worker.js';

/** A separate worker process for the crash test: `tsx child.ts <databaseUrl>`; prints "ready". */
const ctx = await startQueueWorker(process.argv[2]!, { QUEUE_EXPIRE_S: process.env.QUEUE_EXPIRE_S ?? '2' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => void ctx.infra.close().then(() => process.exit(0)));
