// One password-hashing thread (see password-hash-threads.ts). Plain JavaScript on purpose: on
// Node 20 a worker thread does not get the TypeScript loader the server itself runs under.
//
// The thread first lowers its own OS scheduling priority to nice 19, so whenever the event loop
// (or anything else on the machine) wants a core, the kernel gives it that core and hashing gets
// what is left. Hashing runs synchronously right here, on this thread: the async argon2 APIs would
// hand the work to libuv's shared pool, whose threads run at normal priority.
import { parentPort, workerData } from 'node:worker_threads';
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { hashSync, verifySync } from '@node-rs/argon2';

const LOWEST_PRIORITY = 19;
const ARGON2ID = 2; // Algorithm.Argon2id (a const enum in the library's types)
const { memoryCost, timeCost, parallelism, dummyPassword } = workerData;
const options = { algorithm: ARGON2ID, memoryCost, timeCost, parallelism };

/** Linux only: /proc/thread-self names this thread's own id, and setPriority(tid) touches this thread alone. */
function lowerOwnPriority() {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return { niced: false, tid: null, reason: 'no thread id in /proc/thread-self' };
    setPriority(tid, LOWEST_PRIORITY);
    return { niced: getPriority(tid) === LOWEST_PRIORITY, tid, reason: null };
  } catch (error) {
    return { niced: false, tid: null, reason: error instanceof Error ? error.message : String(error) };
  }
}

const priority = lowerOwnPriority();
// Unknown emails are checked against this, so they cost what a wrong password costs.
const dummyHash = hashSync(dummyPassword, options);
parentPort.postMessage({ type: 'ready', ...priority });

parentPort.on('message', (job) => {
  try {
    let value;
    if (job.op === 'hash') value = hashSync(job.plain, options);
    else {
      try {
        value = verifySync(job.hash ?? dummyHash, job.plain) && job.hash !== null;
      } catch {
        value = false; // not a hash this library can read: no match
      }
    }
    parentPort.postMessage({ type: 'done', value });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
});
