import type { AppConfig } from '../../core/config/config';
import type { DatabaseService } from '../../core/database/database.service';
import type { HealthService, ReadinessGate } from '../../core/health/health.service';
import type { AlertsService } from '../system/alerts/alerts.service';
import type { EventsService } from '../system/events/events.service';
import type { ApplyEngine } from './apply/apply-engine';
import type { DaemonsService } from './daemons.service';
import type { DriftService } from './drift.service';
import { ReconcileService } from './reconcile.service';
import type { SettingsStore } from './settings.store';

/** The start-up reconcile over fakes: what it does when the database drops out of a run. */
function setup(options: { apply: jest.Mock; ping: jest.Mock }) {
  let onReady: (() => Promise<void>) | undefined;
  let gate: (() => ReadinessGate) | undefined;
  const startEnabled = jest.fn(async () => ({}));
  const alerts = { raise: jest.fn(async () => undefined), clear: jest.fn(async () => undefined) };
  const service = new ReconcileService(
    { registered: () => ['smb'], apply: options.apply } as unknown as ApplyEngine,
    { capabilityOf: () => ({ available: false }), driver: { startEnabled } } as unknown as DaemonsService,
    { checkAll: async () => undefined } as unknown as DriftService,
    {} as SettingsStore,
    { ping: options.ping, onReady: (fn: () => Promise<void>) => (onReady = fn) } as unknown as DatabaseService,
    { publish: jest.fn() } as unknown as EventsService,
    alerts as unknown as AlertsService,
    { gate: (_name: string, check: () => ReadinessGate) => (gate = check) } as unknown as HealthService,
    { role: 'server' } as AppConfig,
  );
  service.onApplicationBootstrap();
  return { service, startEnabled, alerts, run: () => onReady!(), gate: () => gate!() };
}

const applied = { result: { message: null } };

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('the start-up reconcile', () => {
  it('runs again once the database answers, and starts no daemon on files it could not check', async () => {
    const apply = jest.fn().mockRejectedValueOnce(new Error('Connection terminated unexpectedly')).mockRejectedValueOnce(new Error('connect ECONNREFUSED')).mockResolvedValue(applied);
    const ping = jest.fn().mockRejectedValueOnce(new Error('connect ECONNREFUSED')).mockRejectedValueOnce(new Error('connect ECONNREFUSED')).mockResolvedValue(undefined);
    const { startEnabled, alerts, run, gate } = setup({ apply, ping });
    const done = run();
    await jest.advanceTimersByTimeAsync(0);
    // The first run lost the database: not ready, and no daemon started.
    expect(gate()).toMatchObject({ ready: false });
    expect(startEnabled).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1000);
    expect(apply).toHaveBeenCalledTimes(2);
    expect(startEnabled).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(2000);
    await done;
    expect(apply).toHaveBeenCalledTimes(3);
    expect(startEnabled).toHaveBeenCalledTimes(1);
    expect(gate()).toEqual({ ready: true });
    expect(alerts.raise).not.toHaveBeenCalled();
    expect(alerts.clear).toHaveBeenCalledWith('reconcile.failed:host');
  });

  it('reports a failure while the database answers, starts the daemons and does not run again', async () => {
    const apply = jest.fn().mockRejectedValue(new Error('testparm refused smb.conf'));
    const ping = jest.fn().mockResolvedValue(undefined);
    const { startEnabled, alerts, run, gate } = setup({ apply, ping });
    await run();
    expect(apply).toHaveBeenCalledTimes(1);
    expect(startEnabled).toHaveBeenCalledTimes(1);
    expect(gate()).toEqual({ ready: true, problem: 'start-up reconcile: smb: testparm refused smb.conf' });
    expect(alerts.raise).toHaveBeenCalledWith(expect.objectContaining({ key: 'reconcile.failed:host', severity: 'critical' }));
  });
});
