import { describe, expect, it } from 'vitest';
import { TickBatch } from './tick-batch.js';

/** A batch runner that records every batch it was given and can be held open. */
function recordingRunner() {
  const batches: number[][] = [];
  let running = 0;
  let mostAtOnce = 0;
  const held: Array<() => void> = [];
  let hold = false;
  const run = async (items: number[]): Promise<string[]> => {
    batches.push(items);
    mostAtOnce = Math.max(mostAtOnce, ++running);
    if (hold) await new Promise<void>((r) => held.push(r));
    running--;
    if (items.includes(13)) throw new Error('unlucky batch');
    return items.map((i) => `done ${i}`);
  };
  return {
    run,
    batches,
    mostAtOnce: () => mostAtOnce,
    hold: () => (hold = true),
    release: () => {
      hold = false;
      for (const r of held.splice(0)) r();
    },
  };
}

describe('TickBatch', () => {
  it('puts items submitted in the same turn into one batch and answers each its own result', async () => {
    const runner = recordingRunner();
    const batch = new TickBatch(runner.run, { maxItems: 100, maxInFlight: 1 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => batch.submit(i)));
    expect(results).toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
    expect(runner.batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('splits at maxItems, runs at most maxInFlight batches at once, and gathers what arrives meanwhile', async () => {
    const runner = recordingRunner();
    const batch = new TickBatch(runner.run, { maxItems: 3, maxInFlight: 2 });
    runner.hold();
    const first = [1, 2, 3, 4, 5, 6, 7].map((i) => batch.submit(i));
    await new Promise((r) => setTimeout(r, 20));
    expect(runner.batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const later = [8, 9].map((i) => batch.submit(i));
    runner.release();
    expect(await Promise.all([...first, ...later])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `done ${i}`));
    expect(runner.batches.slice(2).flat().sort()).toEqual([7, 8, 9]);
    expect(runner.mostAtOnce()).toBe(2);
  });

  it('rejects every item of a failed batch and only those', async () => {
    const runner = recordingRunner();
    const batch = new TickBatch(runner.run, { maxItems: 2, maxInFlight: 1 });
    const settled = await Promise.allSettled([12, 13, 14, 15].map((i) => batch.submit(i)));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[0] as PromiseRejectedResult).reason).toEqual(new Error('unlucky batch'));
    expect(await batch.submit(1)).toBe('done 1');
  });

  it('refuses a runner that answers the wrong number of results', async () => {
    const batch = new TickBatch(async (items: number[]) => items.slice(1), { maxItems: 10, maxInFlight: 1 });
    await expect(Promise.all([batch.submit(1), batch.submit(2)])).rejects.toThrow('batch answered 1 results for 2 items');
  });
});
