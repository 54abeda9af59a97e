/**
 * One server node of the chat benchmark: the fan-out benchmark's node (`memory`, `stop`) that also
 * answers `loop`: how late its event loop ran since the last `memory` (a late loop delays every
 * delivery) and the CPU time it has used.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import '../fanout/server.js';

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const ms = (ns: number) => Math.round(ns / 1e6);

process.on('message', (command: { type: string }) => {
  if (command.type === 'memory') {
    // Watched from the last memory reading on: the connection storm before is not what is measured.
    loopDelay.reset();
    loopDelay.enable();
  } else if (command.type === 'loop') {
    const cpu = process.cpuUsage();
    process.send?.({ type: 'loop', loopP99: ms(loopDelay.percentile(99)), loopMax: ms(loopDelay.max), cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
  }
});
