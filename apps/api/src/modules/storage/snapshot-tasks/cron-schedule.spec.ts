import { nextRun, scheduleProblem, timeZoneProblem } from './cron-schedule';

describe('cron schedules', () => {
  it.each(['0 * * * *', '*/15 * * * *', '30 2 * * 1-5', '@daily', '@hourly', '* * * * *', '0 0 1 */3 *'])('accepts %s', (expr) => {
    expect(scheduleProblem(expr, 'UTC')).toBeUndefined();
  });

  it.each([
    ['* * * * * *', /5 fields/],
    ['0 */5 * * * *', /5 fields/],
    ['@secondly', /once a minute/],
    ['61 * * * *', /not a valid cron expression/],
    ['0 0 30 2 *', /not a valid cron expression/],
    ['* * *', /5 fields/],
    ['every day', /5 fields|not a valid/],
  ])('refuses %s', (expr, message) => {
    expect(scheduleProblem(expr, 'UTC')).toMatch(message);
  });

  it('computes the next run strictly after a time, in the task’s time zone', () => {
    expect(nextRun('0 3 * * *', 'UTC', new Date('2024-05-01T03:00:00Z')).toISOString()).toBe('2024-05-02T03:00:00.000Z');
    expect(nextRun('0 3 * * *', 'Europe/Berlin', new Date('2024-05-01T00:00:00Z')).toISOString()).toBe('2024-05-01T01:00:00.000Z');
    expect(nextRun('@hourly', 'UTC', new Date('2024-05-01T10:59:59Z')).toISOString()).toBe('2024-05-01T11:00:00.000Z');
  });

  it('knows IANA time zones', () => {
    expect(timeZoneProblem('Europe/Berlin')).toBeUndefined();
    expect(timeZoneProblem('Mars/Olympus')).toMatch(/not a time zone/);
  });
});
