import type { Retention } from '@moxnas/contracts';

export interface RetentionSnapshot {
  id: string;
  datasetId: string;
  takenAt: Date;
}

export interface RetentionPlan<T extends RetentionSnapshot> {
  keep: Array<{ snapshot: T; keptBy: string[] }>;
  delete: T[];
}

type Period = keyof Retention;
const PERIODS: readonly Period[] = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'];

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of `at` in `timeZone` (UTC without Intl, it is the common case and hot). */
function localTime(at: Date, timeZone: string): LocalTime {
  if (timeZone === 'UTC') return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate(), hour: at.getUTCHours() };
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return { year: Number(parts['year']), month: Number(parts['month']), day: Number(parts['day']), hour: Number(parts['hour']) % 24 };
}

const dayNumber = (t: { year: number; month: number; day: number }) => Date.UTC(t.year, t.month - 1, t.day) / 86_400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(t: LocalTime): { index: number; label: string } {
  const days = dayNumber(t);
  // 1970-01-01 was a Thursday: +3 makes Monday the first day of each 7-day block.
  const index = Math.floor((days + 3) / 7);
  // The block starts on day index*7-3 (a Monday); its Thursday, index*7, decides the ISO year.
  const thursday = index * 7;
  const thursdayDate = new Date(thursday * 86_400_000);
  const isoYear = thursdayDate.getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(isoYear, 0, 1) / 86_400_000) / 7) + 1;
  return { index, label: `${isoYear}-W${pad(week)}` };
}

/** The period a time falls in: a number that grows by one per period, and a label for people. */
function bucket(period: Period, t: LocalTime): { index: number; label: string } {
  switch (period) {
    case 'hourly':
      return { index: dayNumber(t) * 24 + t.hour, label: `hourly ${t.year}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:00` };
    case 'daily':
      return { index: dayNumber(t), label: `daily ${t.year}-${pad(t.month)}-${pad(t.day)}` };
    case 'weekly': {
      const w = isoWeek(t);
      return { index: w.index, label: `weekly ${w.label}` };
    }
    case 'monthly':
      return { index: t.year * 12 + t.month - 1, label: `monthly ${t.year}-${pad(t.month)}` };
    case 'yearly':
      return { index: t.year, label: `yearly ${t.year}` };
    default: {
      const never: never = period;
      return never;
    }
  }
}

/**
 * Grandfather-father-son retention, per dataset: for each rule with N > 0, the newest snapshot of
 * each of the last N periods (the current one included) is kept; a snapshot may be kept by several
 * rules. Periods are calendar hours/days/ISO weeks/months/years in `timeZone`. Always kept: the
 * newest snapshot of each dataset (a task that stopped running never prunes itself to nothing) and
 * snapshots dated after `now` (clock skew). All rules zero = keep everything.
 */
export function planRetention<T extends RetentionSnapshot>(snapshots: readonly T[], rule: Retention, now: Date, timeZone = 'UTC'): RetentionPlan<T> {
  const plan: RetentionPlan<T> = { keep: [], delete: [] };
  const active = PERIODS.filter((p) => rule[p] > 0);
  const byDataset = new Map<string, T[]>();
  for (const s of snapshots) {
    const list = byDataset.get(s.datasetId) ?? [];
    list.push(s);
    byDataset.set(s.datasetId, list);
  }
  const nowLocal = localTime(now, timeZone);
  const nowIndex = Object.fromEntries(PERIODS.map((p) => [p, bucket(p, nowLocal).index])) as Record<Period, number>;
  for (const list of byDataset.values()) {
    const sorted = [...list].sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime() || b.id.localeCompare(a.id));
    const seen = Object.fromEntries(PERIODS.map((p) => [p, new Set<number>()])) as Record<Period, Set<number>>;
    sorted.forEach((s, i) => {
      const keptBy: string[] = [];
      if (active.length === 0) keptBy.push('no retention rule');
      if (i === 0) keptBy.push('newest');
      if (s.takenAt.getTime() > now.getTime()) keptBy.push('future');
      const local = localTime(s.takenAt, timeZone);
      for (const p of active) {
        const b = bucket(p, local);
        if (seen[p].has(b.index)) continue;
        seen[p].add(b.index);
        const age = nowIndex[p] - b.index;
        if (age >= 0 && age < rule[p]) keptBy.push(b.label);
      }
      if (keptBy.length) plan.keep.push({ snapshot: s, keptBy });
      else plan.delete.push(s);
    });
  }
  return plan;
}
