import fc from 'fast-check';
import { planRetention, type RetentionSnapshot } from './retention';

const HOUR = 3_600_000;
const none = { hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };

function hourlyYear(): RetentionSnapshot[] {
  const start = Date.UTC(2024, 0, 1, 0, 0, 0);
  return Array.from({ length: 8760 }, (_, i) => ({ id: `s${String(i).padStart(5, '0')}`, datasetId: 'd1', takenAt: new Date(start + i * HOUR) }));
}

const iso = (s: RetentionSnapshot) => s.takenAt.toISOString();

describe('planRetention', () => {
  it('prunes a year of hourly snapshots to exactly the grandfather-father-son set', () => {
    const snaps = hourlyYear();
    // 8760 hours from 2024-01-01 (a leap year) end at 2024-12-30T23:00Z, a Monday.
    const now = new Date('2024-12-30T23:30:00Z');
    const plan = planRetention(snaps, { hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 1 }, now);

    const expected = new Set<string>();
    for (let h = 0; h < 24; h++) expected.add(new Date(Date.UTC(2024, 11, 30, 23 - h)).toISOString());
    for (let d = 0; d < 7; d++) expected.add(new Date(Date.UTC(2024, 11, 30 - d, 23)).toISOString());
    // ISO weeks: 2025-W01 holds only Monday 30 Dec so far; the three before end on Sundays.
    for (const day of [30, 29, 22, 15]) expected.add(new Date(Date.UTC(2024, 11, day, 23)).toISOString());
    const monthEnds = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30];
    monthEnds.forEach((day, month) => expected.add(new Date(Date.UTC(2024, month, day, 23)).toISOString()));
    expected.add('2024-12-30T23:00:00.000Z');

    const kept = new Set(plan.keep.map((k) => iso(k.snapshot)));
    expect([...kept].sort()).toEqual([...expected].sort());
    expect(plan.keep.length + plan.delete.length).toBe(8760);
    expect(plan.delete).toHaveLength(8760 - expected.size);
    const newest = plan.keep.find((k) => iso(k.snapshot) === '2024-12-30T23:00:00.000Z');
    expect(newest?.keptBy).toEqual(expect.arrayContaining(['newest', 'hourly 2024-12-30 23:00', 'daily 2024-12-30', 'weekly 2025-W01', 'monthly 2024-12', 'yearly 2024']));
    expect(plan.keep.find((k) => iso(k.snapshot) === '2024-02-29T23:00:00.000Z')?.keptBy).toEqual(['monthly 2024-02']);
  });

  it('keeps everything without rules, and always the newest snapshot of each dataset', () => {
    const snaps = hourlyYear().slice(0, 50);
    expect(planRetention(snaps, none, new Date('2030-01-01T00:00:00Z')).delete).toHaveLength(0);
    const other = snaps.map((s) => ({ ...s, id: `o${s.id}`, datasetId: 'd2' }));
    // Long after the last run: no window holds anything, but each dataset keeps its newest.
    const plan = planRetention([...snaps, ...other], { ...none, hourly: 3 }, new Date('2030-01-01T00:00:00Z'));
    expect(plan.keep.map((k) => k.snapshot.id).sort()).toEqual(['os00049', 's00049']);
  });

  it('evaluates calendar periods in the task’s time zone', () => {
    // 23:30 UTC on 1 March is already 2 March in Berlin: two different days there, one day in UTC.
    const snaps = [
      { id: 'a', datasetId: 'd', takenAt: new Date('2024-03-01T20:00:00Z') },
      { id: 'b', datasetId: 'd', takenAt: new Date('2024-03-01T23:30:00Z') },
    ];
    const now = new Date('2024-03-02T06:00:00Z');
    expect(planRetention(snaps, { ...none, daily: 2 }, now, 'UTC').delete.map((s) => s.id)).toEqual(['a']);
    expect(planRetention(snaps, { ...none, daily: 2 }, now, 'Europe/Berlin').delete).toEqual([]);
  });

  it('keeps snapshots dated after now (clock skew)', () => {
    const plan = planRetention([{ id: 'f', datasetId: 'd', takenAt: new Date('2025-01-01T00:00:00Z') }, { id: 'p', datasetId: 'd', takenAt: new Date('2020-01-01T00:00:00Z') }], { ...none, daily: 1 }, new Date('2024-01-01T00:00:00Z'));
    expect(plan.keep.map((k) => k.snapshot.id)).toEqual(['f']);
    expect(plan.delete.map((s) => s.id)).toEqual(['p']);
  });

  it('partitions the input, and what it keeps is stable: pruning again deletes nothing', () => {
    const arb = fc.record({
      offsets: fc.uniqueArray(fc.integer({ min: 0, max: 24 * 400 }), { minLength: 1, maxLength: 300 }),
      rule: fc.record({ hourly: fc.nat(48), daily: fc.nat(14), weekly: fc.nat(8), monthly: fc.nat(12), yearly: fc.nat(3) }),
      tz: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'),
    });
    fc.assert(
      fc.property(arb, ({ offsets, rule, tz }) => {
        const base = Date.UTC(2023, 5, 1);
        const snaps = offsets.map((o, i) => ({ id: `x${i}`, datasetId: i % 3 === 0 ? 'a' : 'b', takenAt: new Date(base + o * HOUR) }));
        const now = new Date(base + 24 * 400 * HOUR);
        const plan = planRetention(snaps, rule, now, tz);
        const kept = plan.keep.map((k) => k.snapshot);
        expect(kept.length + plan.delete.length).toBe(snaps.length);
        expect(new Set([...kept, ...plan.delete].map((s) => s.id)).size).toBe(snaps.length);
        expect(planRetention(kept, rule, now, tz).delete).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
