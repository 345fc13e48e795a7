import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountWindow } from './count-window.js';

const FAIL = [true, false] as const;
const SLOW = [false, true] as const;
const OK = [false, false] as const;

function totals(w: CountWindow) {
  return { calls: w.calls, failures: w.failures, slow: w.slow };
}

/** Records `outcomes` (all at 0 ms: a count window ignores time) and returns the totals after them. */
function totalsAfter(w: CountWindow, ...outcomes: ReadonlyArray<readonly [boolean, boolean]>) {
  for (const [failed, slow] of outcomes) w.record(failed, slow, 0);
  return totals(w);
}

describe('CountWindow', () => {
  it('starts empty', () => {
    expect(totals(new CountWindow(5))).toEqual({ calls: 0, failures: 0, slow: 0 });
  });

  it('keeps totals of failures and slow calls', () => {
    const w = new CountWindow(5);
    expect(totalsAfter(w, FAIL, SLOW, [true, true], OK)).toEqual({ calls: 4, failures: 2, slow: 2 });
  });

  it('drops the oldest outcome once full, wrapping around the ring', () => {
    const w = new CountWindow(3);
    expect(totalsAfter(w, FAIL, SLOW, OK)).toEqual({ calls: 3, failures: 1, slow: 1 });
    // Each OK drops the oldest: first the failure, then the slow call.
    expect(totalsAfter(w, OK)).toEqual({ calls: 3, failures: 0, slow: 1 });
    expect(totalsAfter(w, OK)).toEqual({ calls: 3, failures: 0, slow: 0 });
    // The third lap of the ring.
    expect(totalsAfter(w, FAIL, FAIL, FAIL)).toEqual({ calls: 3, failures: 3, slow: 0 });
    expect(totalsAfter(w, OK)).toEqual({ calls: 3, failures: 2, slow: 0 });
  });

  it('works with a size of 1', () => {
    const w = new CountWindow(1);
    expect(totalsAfter(w, FAIL)).toEqual({ calls: 1, failures: 1, slow: 0 });
    expect(totalsAfter(w, SLOW)).toEqual({ calls: 1, failures: 0, slow: 1 });
  });

  it('does not expire with time', () => {
    const w = new CountWindow(2);
    w.record(...FAIL, 0);
    w.expire(1e12);
    expect(totals(w)).toEqual({ calls: 1, failures: 1, slow: 0 });
  });

  it('empties on reset and then refills from scratch', () => {
    const w = new CountWindow(3);
    for (let i = 0; i < 4; i++) w.record(...FAIL, 0);
    w.reset();
    expect(totals(w)).toEqual({ calls: 0, failures: 0, slow: 0 });
    w.record(...OK, 0);
    w.record(...OK, 0);
    expect(totals(w)).toEqual({ calls: 2, failures: 0, slow: 0 });
    w.record(...OK, 0);
    w.record(...OK, 0); // a stale failure left in the ring must not be subtracted
    expect(totals(w)).toEqual({ calls: 3, failures: 0, slow: 0 });
    expect(w.snapshot(0)).toEqual({ type: 'count', outcomes: [0, 0, 0] });
  });

  it('snapshots its outcomes oldest first, after wrapping too', () => {
    const w = new CountWindow(3);
    w.record(...FAIL, 0);
    w.record(...SLOW, 0);
    expect(w.snapshot(0)).toEqual({ type: 'count', outcomes: [1, 2] });
    w.record(true, true, 0);
    w.record(...OK, 0);
    expect(w.snapshot(0)).toEqual({ type: 'count', outcomes: [2, 3, 0] });
  });

  it('restores a snapshot, so the restored oldest outcome is the next to go', () => {
    const w = new CountWindow(3);
    w.restore({ type: 'count', outcomes: [1, 0, 2] }, 0);
    expect(totals(w)).toEqual({ calls: 3, failures: 1, slow: 1 });
    w.record(...OK, 0);
    expect(totals(w)).toEqual({ calls: 3, failures: 0, slow: 1 });
    expect(w.snapshot(0)).toEqual({ type: 'count', outcomes: [0, 2, 0] });
  });

  it('restores only the newest outcomes into a smaller window, and nothing from a time snapshot', () => {
    const w = new CountWindow(2);
    w.restore({ type: 'count', outcomes: [1, 1, 0, 1] }, 0);
    expect(w.snapshot(0)).toEqual({ type: 'count', outcomes: [0, 1] });
    w.restore({ type: 'time', buckets: [[0, 5, 5, 0]] }, 0);
    expect(totals(w)).toEqual({ calls: 0, failures: 0, slow: 0 });
  });

  it('agrees with a plain list of the last N outcomes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.boolean(), fc.boolean()), { maxLength: 60 }),
        (size, outcomes) => {
          const w = new CountWindow(size);
          const model: Array<readonly [boolean, boolean]> = [];
          for (const [failed, slow] of outcomes) {
            w.record(failed, slow, 0);
            model.push([failed, slow]);
            if (model.length > size) model.shift();
            expect(totals(w)).toEqual({
              calls: model.length,
              failures: model.filter(([f]) => f).length,
              slow: model.filter(([, s]) => s).length,
            });
          }
          const copy = new CountWindow(size);
          copy.restore(w.snapshot(0), 0);
          expect(totals(copy)).toEqual(totals(w));
        },
      ),
      { numRuns: 300 },
    );
  });
});
