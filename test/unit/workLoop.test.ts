import { describe, expect, it } from 'vitest';
import { WorkLoop, type DueWork } from '../../src/effects/loop.js';
import { quietLog } from '../support/reminderEngine.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("an instance's one background loop", () => {
  it('runs each kind on its own interval, never overlapping itself; a slow kind does not hold up another; a failure is followed by the next pass', async () => {
    let slowRunning = 0;
    let slowOverlap = false;
    const passes = { slow: 0, fast: 0, failing: 0 };
    const work: DueWork[] = [
      {
        name: 'slow',
        everyMs: 5,
        pass: async () => {
          slowRunning++;
          if (slowRunning > 1) slowOverlap = true;
          passes.slow++;
          await sleep(120);
          slowRunning--;
        },
      },
      { name: 'fast', everyMs: 5, pass: async () => void passes.fast++ },
      {
        name: 'failing',
        everyMs: 5,
        pass: async () => {
          passes.failing++;
          throw new Error('database down');
        },
      },
    ];
    const loop = new WorkLoop(work, quietLog());
    loop.start();
    await sleep(200);
    await loop.stop();
    expect(slowOverlap).toBe(false);
    expect(passes.slow).toBeGreaterThanOrEqual(1);
    // While one slow pass ran, the fast kind passed many times, and the failing one kept coming.
    expect(passes.fast).toBeGreaterThan(5);
    expect(passes.failing).toBeGreaterThan(5);
  });

  it('stop asks every kind to end its pass, waits for it, and starts nothing after', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const loop = new WorkLoop(
      [
        {
          name: 'long',
          everyMs: 5,
          pass: () => {
            events.push('pass');
            return new Promise<void>((r) => (release = r));
          },
          stop: async () => {
            events.push('stop asked');
            release();
          },
        },
      ],
      quietLog(),
    );
    loop.start();
    await sleep(20);
    await loop.stop();
    events.push('stopped');
    await sleep(30);
    expect(events).toEqual(['pass', 'stop asked', 'stopped']);
  });
});
