/** Where alert lifecycles and delivery retries get "now", so tests can move time instead of waiting. */
export interface SystemClock {
  now(): Date;
}

export const SYSTEM_CLOCK = Symbol('SYSTEM_CLOCK');

/** A fresh object per app, so a test that stubs one app's clock leaves every other app alone. */
export function createSystemClock(): SystemClock {
  return { now: () => new Date() };
}
