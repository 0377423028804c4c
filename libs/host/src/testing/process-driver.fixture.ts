import { FakeCommandRunner } from './command-runner.fake';
import { FakeHostFs } from './host-fs.fake';
import { FakeProcessHost } from './process-host.fake';
import { ProcessDriver } from '../service/process.driver';
import { ServiceError, type DaemonSpec, type ServiceEvent } from '../service/service-driver';

/** The process driver's unit specs share this: a driver over fake host, fs and runner, on fake time. */

export const RUN = '/data/run/daemons';
export const SMB_KEY = `smb@${RUN}`;
export const T0 = Date.parse('2026-01-01T00:00:00Z');

export const smbSpec: DaemonSpec = {
  id: 'smb',
  command: 'smbd',
  args: ['--foreground', '--no-process-group'],
  reload: { kind: 'signal', signal: 'SIGHUP' },
  readiness: { tcpPort: 4450 },
  startTimeoutMs: 2_000,
  stopGraceMs: 1_000,
};

export function setup(spec: DaemonSpec = smbSpec, fs = new FakeHostFs()) {
  const host = new FakeProcessHost();
  // By default the daemon comes up and listens on its port at once.
  host.onSpawn = (p) => p.listen(4450);
  const runner = new FakeCommandRunner();
  const driver = new ProcessDriver({ runDir: RUN, fs, host, runner, now: () => Date.now(), pollIntervalMs: 50, settleMs: 200 });
  driver.register(spec);
  const events: ServiceEvent[] = [];
  driver.onEvent((e) => events.push(e));
  return { driver, host, runner, fs, events, types: () => events.map((e) => e.type) };
}

/** Runs an operation to completion while fake time passes. */
export async function settle<T>(promise: Promise<T>, ms = 10_000): Promise<T> {
  const result = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await jest.advanceTimersByTimeAsync(ms);
  const r = await result;
  if (!r.ok) throw r.error;
  return r.value;
}

export async function failure(promise: Promise<unknown>, ms = 10_000): Promise<ServiceError> {
  try {
    await settle(promise, ms);
  } catch (err) {
    if (err instanceof ServiceError) return err;
    throw err;
  }
  throw new Error('expected a ServiceError');
}

/** Fake timers from T0 around every test of the calling spec. */
export function useFakeTime(): void {
  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });
}
