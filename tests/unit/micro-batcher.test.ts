import { describe, expect, it } from 'vitest';
import { MicroBatcher } from '../../server/src/infra/micro-batcher.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('MicroBatcher', () => {
  it('sends an idle call at once and the calls that arrive meanwhile together, each getting its own answer', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(async (inputs) => {
      batches.push(inputs);
      await tick();
      return inputs.map((n) => n * 10);
    });
    const answers = await Promise.all([1, 2, 3, 4].map((n) => batcher.submit(n)));
    expect(answers).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('retries a failed batch one input at a time, so only the bad input fails', async () => {
    const batcher = new MicroBatcher<number, number>(async (inputs) => {
      await tick();
      if (inputs.includes(3)) throw new Error('bad row 3');
      return inputs.map((n) => n + 1);
    });
    const first = batcher.submit(0);
    const rest = [1, 2, 3, 4].map((n) => batcher.submit(n).then((v) => ({ v }), (e: Error) => ({ e: e.message })));
    await first;
    expect(await Promise.all(rest)).toEqual([{ v: 2 }, { v: 3 }, { e: 'bad row 3' }, { v: 5 }]);
  });

  it('keeps at most maxInFlight batches on the wire', async () => {
    let live = 0;
    let peak = 0;
    const batcher = new MicroBatcher<number, number>(
      async (inputs) => {
        peak = Math.max(peak, (live += 1));
        await tick();
        live -= 1;
        return inputs;
      },
      { maxInFlight: 2, maxBatch: 1 },
    );
    await Promise.all(Array.from({ length: 6 }, (_, n) => batcher.submit(n)));
    expect(peak).toBe(2);
  });
});
