import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeWindow } from './time-window.js';

function totals(w: TimeWindow) {
  return { calls: w.calls, failures: w.failures, slow: w.slow };
}

/** 1000 ms in 10 buckets of 100 ms. */
const make = () => new TimeWindow(1000, 10);

/** A {@link make} window that has recorded these calls, each `[failed, slow, at ms]`. */
function recorded(...calls: ReadonlyArray<readonly [boolean, boolean, number]>): TimeWindow {
  const w = make();
  for (const [failed, slow, at] of calls) w.record(failed, slow, at);
  return w;
}

describe('TimeWindow', () => {
  it('keeps totals of the calls in the window', () => {
    const w = recorded([true, false, 0], [false, true, 50], [true, true, 420]);
    expect(totals(w)).toEqual({ calls: 3, failures: 2, slow: 2 });
  });

  it('drops a bucket once time has moved a whole window past it', () => {
    const w = recorded([true, false, 0], [false, false, 99], [true, true, 150], [false, false, 950]);
    w.expire(999);
    expect(totals(w)).toEqual({ calls: 4, failures: 2, slow: 1 });
    w.expire(1000); // bucket [0, 100) leaves
    expect(totals(w)).toEqual({ calls: 2, failures: 1, slow: 1 });
    w.expire(1100); // bucket [100, 200) leaves
    expect(totals(w)).toEqual({ calls: 1, failures: 0, slow: 0 });
    w.expire(1899); // 950 is in bucket [900, 1000), which leaves at 1900
    expect(totals(w).calls).toBe(1);
    w.expire(1900);
    expect(totals(w)).toEqual({ calls: 0, failures: 0, slow: 0 });
  });

  it('forgets everything after an idle period longer than the window', () => {
    const w = make();
    for (let t = 0; t < 1000; t += 100) w.record(true, false, t);
    expect(totals(w).calls).toBe(10);
    w.record(false, false, 50_000);
    expect(totals(w)).toEqual({ calls: 1, failures: 0, slow: 0 });
  });

  it('reuses its slots lap after lap', () => {
    const w = make();
    for (let t = 0; t < 5000; t += 50) {
      w.record(t % 200 === 0, false, t);
      // Two calls per 100 ms bucket (the newest bucket holds one until its second call), and a failure
      // in every other bucket.
      if (t >= 1000) expect(totals(w).calls).toBe(t % 100 === 50 ? 20 : 19);
    }
    w.expire(4999);
    expect(totals(w)).toEqual({ calls: 20, failures: 5, slow: 0 });
  });

  it('handles a duration that the bucket count does not divide, and large clock readings', () => {
    const w = new TimeWindow(1000, 3);
    const start = 1_700_000_000_000;
    w.record(true, false, start);
    w.expire(start + 666); // less than a window minus a bucket (333.3 ms): certainly kept
    expect(totals(w)).toEqual({ calls: 1, failures: 1, slow: 0 });
    w.expire(start + 1334); // more than a window plus a bucket: certainly gone
    expect(totals(w)).toEqual({ calls: 0, failures: 0, slow: 0 });
  });

  it('empties on reset', () => {
    const w = recorded([true, true, 10]);
    w.reset();
    expect(totals(w)).toEqual({ calls: 0, failures: 0, slow: 0 });
    w.record(false, false, 20);
    expect(totals(w)).toEqual({ calls: 1, failures: 0, slow: 0 });
  });

  it('snapshots non-empty buckets newest first with their age in buckets', () => {
    const w = recorded([true, false, 0], [false, true, 310], [false, false, 320]);
    expect(w.snapshot(520)).toEqual({
      type: 'time',
      buckets: [
        [2, 2, 0, 1],
        [5, 1, 1, 0],
      ],
    });
    expect(w.snapshot(1000)).toEqual({ type: 'time', buckets: [[7, 2, 0, 1]] });
  });

  it('restores a snapshot at another clock reading, keeping the ages', () => {
    const w = make();
    w.restore(
      {
        type: 'time',
        buckets: [
          [2, 2, 0, 1],
          [9, 1, 1, 0],
        ],
      },
      10_000,
    );
    expect(totals(w)).toEqual({ calls: 3, failures: 1, slow: 1 });
    w.expire(10_099);
    expect(totals(w).calls).toBe(3);
    w.expire(10_100); // the bucket of age 9 reaches age 10
    expect(totals(w)).toEqual({ calls: 2, failures: 0, slow: 1 });
    w.record(true, false, 10_150);
    expect(totals(w)).toEqual({ calls: 3, failures: 1, slow: 1 });
    w.expire(10_800); // the bucket of age 2 leaves
    expect(totals(w)).toEqual({ calls: 1, failures: 1, slow: 0 });
  });

  it('restores nothing from a count snapshot and skips buckets older than it keeps', () => {
    const w = make();
    w.restore({ type: 'count', outcomes: [1, 1] }, 0);
    expect(totals(w).calls).toBe(0);
    w.restore(
      {
        type: 'time',
        buckets: [
          [10, 4, 4, 0],
          [0, 1, 0, 0],
        ],
      },
      0,
    );
    expect(totals(w)).toEqual({ calls: 1, failures: 0, slow: 0 });
  });

  it('agrees with a plain list of timestamped outcomes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.boolean(), fc.boolean()), { maxLength: 60 }),
        (buckets, duration, steps) => {
          const w = new TimeWindow(duration, buckets);
          const sliceMs = duration / buckets;
          const sliceOf = (t: number) => Math.floor(t / sliceMs);
          const model: Array<{ slice: number; failed: boolean; slow: boolean }> = [];
          let now = 0;
          for (const [advance, failed, slow] of steps) {
            now += advance;
            w.record(failed, slow, now);
            model.push({ slice: sliceOf(now), failed, slow });
            const live = model.filter((o) => sliceOf(now) - o.slice < buckets);
            expect(totals(w)).toEqual({
              calls: live.length,
              failures: live.filter((o) => o.failed).length,
              slow: live.filter((o) => o.slow).length,
            });
          }
          const copy = new TimeWindow(duration, buckets);
          copy.restore(w.snapshot(now), now + 12_345 * sliceMs);
          expect(totals(copy)).toEqual(totals(w));
        },
      ),
      { numRuns: 300 },
    );
  });
});
