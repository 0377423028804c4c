import { CronExpressionParser } from 'cron-parser';

/** Why a time zone name is refused, or undefined. */
export function timeZoneProblem(timeZone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return undefined;
  } catch {
    return `${timeZone} is not a time zone this system knows (IANA names such as UTC or Europe/Berlin)`;
  }
}

/**
 * Why a schedule is refused, or undefined. The contract already insists on 5 fields (no seconds);
 * this parses it and checks that it fires at all and never more than once a minute.
 */
export function scheduleProblem(schedule: string, timeZone: string): string | undefined {
  const expr = schedule.trim();
  const fields = expr.startsWith('@') ? null : expr.split(/\s+/);
  if (fields && fields.length !== 5) return 'must have 5 fields: minute hour day-of-month month day-of-week';
  if (expr.toLowerCase() === '@secondly' || expr.toLowerCase() === '@minutely') return 'must not fire more often than once a minute (use * * * * * for every minute)';
  try {
    const parsed = CronExpressionParser.parse(expr, { tz: timeZone, currentDate: new Date(Date.UTC(2000, 0, 1)), strict: false });
    if (parsed.fields.second.values.length !== 1) return 'must not fire more often than once a minute';
    const first = parsed.next().getTime();
    const second = parsed.next().getTime();
    if (second - first < 60_000) return 'must not fire more often than once a minute';
    return undefined;
  } catch (err) {
    return `is not a valid cron expression: ${(err as Error).message}`;
  }
}

/** The first time the schedule fires strictly after `after`. */
export function nextRun(schedule: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(schedule.trim(), { tz: timeZone, currentDate: after }).next().toDate();
}
