import { CommandError } from '../command/command-runner';
import { FakeCommandRunner } from '../testing/command-runner.fake';
import { FakeHostFs } from '../testing/host-fs.fake';
import { FakeProcessHost } from '../testing/process-host.fake';
import { ProcessDriver, SUPERVISOR_ENV } from './process.driver';
import { ServiceError, type DaemonSpec, type ServiceEvent } from './service-driver';

const RUN = '/data/run/daemons';
const SMB_KEY = `smb@${RUN}`;
const T0 = Date.parse('2026-01-01T00:00:00Z');

const smbSpec: DaemonSpec = {
  id: 'smb',
  command: 'smbd',
  args: ['--foreground', '--no-process-group'],
  reload: { kind: 'signal', signal: 'SIGHUP' },
  readiness: { tcpPort: 4450 },
  startTimeoutMs: 2_000,
  stopGraceMs: 1_000,
};

function setup(spec: DaemonSpec = smbSpec, fs = new FakeHostFs()) {
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
async function settle<T>(promise: Promise<T>, ms = 10_000): Promise<T> {
  const result = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await jest.advanceTimersByTimeAsync(ms);
  const r = await result;
  if (!r.ok) throw r.error;
  return r.value;
}

async function failure(promise: Promise<unknown>, ms = 10_000): Promise<ServiceError> {
  try {
    await settle(promise, ms);
  } catch (err) {
    if (err instanceof ServiceError) return err;
    throw err;
  }
  throw new Error('expected a ServiceError');
}

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('ProcessDriver start', () => {
  it('spawns the daemon with the supervisor marker, writes its pid file and waits for the port', async () => {
    const { driver, host, fs, types } = setup();
    await settle(driver.start('smb'));
    const proc = host.last;
    expect(proc.request).toEqual({ command: 'smbd', args: ['--foreground', '--no-process-group'], env: { [SUPERVISOR_ENV]: SMB_KEY } });
    expect(await fs.readFile(`${RUN}/smb.pid`)).toBe(`${proc.pid}\n`);
    await jest.advanceTimersByTimeAsync(5_000);
    const status = await driver.status('smb');
    expect(status).toMatchObject({ id: 'smb', state: 'running', pid: proc.pid, restarts: 0, enabled: false, lastExit: null, message: null });
    expect(status.startedAt).toBe(new Date(T0).toISOString());
    expect(status.uptimeSeconds).toBeGreaterThanOrEqual(5);
    expect(types()).toEqual(['starting', 'started']);
  });

  it('is ready only once the port answers', async () => {
    const { driver, host } = setup();
    host.onSpawn = () => undefined;
    const started = driver.start('smb');
    await jest.advanceTimersByTimeAsync(300);
    expect((await driver.status('smb')).state).toBe('starting');
    host.last.listen(4450);
    await settle(started);
    expect((await driver.status('smb')).state).toBe('running');
  });

  it('does nothing when the daemon already runs', async () => {
    const { driver, host } = setup();
    await settle(driver.start('smb'));
    await settle(driver.start('smb'));
    expect(host.spawned).toHaveLength(1);
  });

  it('reports a daemon that exits during start-up with its output tail', async () => {
    const { driver, host, fs, types } = setup();
    host.onSpawn = (p) => {
      p.output = 'smbd version 4.17\nERROR: Could not load config file\n';
      p.exit(1);
    };
    const err = await failure(driver.start('smb'));
    expect(err.kind).toBe('start-failed');
    expect(err.message).toBe('smb did not start: exited during start-up (exit code 1)');
    expect(err.detail).toContain('Could not load config file');
    const status = await driver.status('smb');
    expect(status).toMatchObject({ state: 'failed', pid: null, message: 'exited during start-up (exit code 1)' });
    expect(status.lastExit).toMatchObject({ code: 1, signal: null, expected: false });
    expect(await fs.readFile(`${RUN}/smb.pid`)).toBeNull();
    expect(types()).toEqual(['starting', 'failed']);
    // A failed explicit start is not retried behind the admin's back.
    await jest.advanceTimersByTimeAsync(60_000);
    expect(host.spawned).toHaveLength(1);
  });

  it('kills a daemon that never becomes ready within the timeout', async () => {
    const { driver, host } = setup();
    host.onSpawn = (p) => {
      p.output = 'still loading';
    };
    const err = await failure(driver.start('smb'));
    expect(err.message).toBe('smb did not start: port 127.0.0.1:4450 did not accept connections within 2000 ms');
    expect(err.detail).toBe('still loading');
    expect(host.signalsTo(host.last.pid)).toEqual(['SIGTERM']);
    expect(host.last.alive).toBe(false);
  });

  it('refuses to start when another program holds the port', async () => {
    const { driver, host } = setup();
    host.foreignPorts.add(4450);
    const err = await failure(driver.start('smb'));
    expect(err.message).toBe('smb did not start: port 127.0.0.1:4450 is already in use by another process');
    expect(host.spawned).toHaveLength(0);
  });

  it('reports a binary that cannot be spawned', async () => {
    const { driver, host } = setup();
    host.spawnError = new CommandError('not-found', 'smbd', [], 'smbd is not installed');
    const err = await failure(driver.start('smb'));
    expect(err.message).toBe('smb did not start: smbd is not installed');
  });

  it('gives a daemon that reports errors on fd 0 a file there', async () => {
    const { driver, host } = setup({ ...smbSpec, errorsOnStdin: true });
    await settle(driver.start('smb'));
    expect(host.last.request.stdinFile).toBe(`${RUN}/smb.stdin`);
  });

  it('counts a daemon without readiness probe as started once it stays up for the settle time', async () => {
    const { driver, host } = setup({ ...smbSpec, readiness: undefined });
    host.onSpawn = () => undefined;
    await settle(driver.start('smb'));
    expect((await driver.status('smb')).state).toBe('running');
  });
});

describe('ProcessDriver supervision', () => {
  it('restarts a daemon that dies, with exponential backoff, and reports restarts and the last exit', async () => {
    const { driver, host, types } = setup();
    await settle(driver.start('smb'));
    const first = host.last;
    first.output = 'panic';
    first.exit(null, 'SIGKILL');
    await jest.advanceTimersByTimeAsync(0);
    let status = await driver.status('smb');
    expect(status.state).toBe('failed');
    expect(status.message).toBe('exited unexpectedly (signal SIGKILL); restarting in 0.5 s');
    expect(status.lastExit).toMatchObject({ code: null, signal: 'SIGKILL', expected: false, outputTail: 'panic' });

    await jest.advanceTimersByTimeAsync(499);
    expect(host.spawned).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(200);
    expect(host.spawned).toHaveLength(2);
    status = await driver.status('smb');
    expect(status).toMatchObject({ state: 'running', pid: host.last.pid, restarts: 1, message: null });
    expect(types()).toEqual(['starting', 'started', 'exited', 'restarting', 'starting', 'restarted']);

    // Second crash soon after: the delay doubles.
    host.last.exit(134);
    await jest.advanceTimersByTimeAsync(999);
    expect(host.spawned).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(100);
    expect(host.spawned).toHaveLength(3);
    expect((await driver.status('smb')).restarts).toBe(2);
  });

  it('starts the backoff again from the first delay after a stable run', async () => {
    const { driver, host } = setup();
    await settle(driver.start('smb'));
    host.last.exit(1);
    await jest.advanceTimersByTimeAsync(600);
    host.last.exit(1);
    await jest.advanceTimersByTimeAsync(1_100);
    expect(host.spawned).toHaveLength(3);
    // Up for longer than resetAfterMs (60 s): counts as stable.
    await jest.advanceTimersByTimeAsync(61_000);
    host.last.exit(1);
    await jest.advanceTimersByTimeAsync(600);
    expect(host.spawned).toHaveLength(4);
  });

  it('keeps retrying a daemon that fails to come back, up to the delay cap', async () => {
    const { driver, host } = setup();
    await settle(driver.start('smb'));
    host.onSpawn = (p) => p.exit(1);
    host.last.exit(1);
    await jest.advanceTimersByTimeAsync(0.5e3 + 1e3 + 2e3 + 4e3 + 100);
    expect(host.spawned).toHaveLength(5);
    const status = await driver.status('smb');
    expect(status.state).toBe('failed');
    expect(status.restarts).toBe(4);
    expect(status.message).toContain('restarting in 8.0 s');
    host.onSpawn = (p) => p.listen(4450);
    await jest.advanceTimersByTimeAsync(8_100);
    expect((await driver.status('smb')).state).toBe('running');
  });

  it('kills processes the dead daemon left behind before starting a new one', async () => {
    const { driver, host } = setup();
    await settle(driver.start('smb'));
    const child = host.last.fork();
    host.last.exit(null, 'SIGKILL');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(child.alive).toBe(false);
    expect(host.signalsTo(child.pid)).toEqual(['SIGTERM']);
    expect((await driver.status('smb')).state).toBe('running');
  });
});

describe('ProcessDriver stop', () => {
  it('sends SIGTERM, waits, removes the pid file and does not restart', async () => {
    const { driver, host, fs, types } = setup();
    await settle(driver.start('smb'));
    const proc = host.last;
    await settle(driver.stop('smb'));
    expect(host.signalsTo(proc.pid)).toEqual(['SIGTERM']);
    expect(await fs.readFile(`${RUN}/smb.pid`)).toBeNull();
    const status = await driver.status('smb');
    expect(status).toMatchObject({ state: 'stopped', pid: null, uptimeSeconds: null });
    expect(status.lastExit).toMatchObject({ signal: 'SIGTERM', expected: true });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(host.spawned).toHaveLength(1);
    expect(types()).toEqual(['starting', 'started', 'stopped']);
  });

  it('escalates to SIGKILL after the grace period and kills leftover children', async () => {
    const { driver, host } = setup();
    await settle(driver.start('smb'));
    const proc = host.last;
    const child = proc.fork();
    const stubborn = host.addProcess({ [SUPERVISOR_ENV]: SMB_KEY }, { ignoresTerm: true });
    host.onSignal = (p, signal) => {
      if (signal === 'SIGKILL') p.exit(null, 'SIGKILL');
    };
    await settle(driver.stop('smb'));
    expect(host.signalsTo(proc.pid)).toEqual(['SIGTERM', 'SIGKILL']);
    expect(child.alive).toBe(false);
    expect(host.signalsTo(stubborn.pid)).toEqual(['SIGTERM', 'SIGKILL']);
    expect(stubborn.alive).toBe(false);
  });

  it('is idempotent and turns a failed service into a stopped one', async () => {
    const { driver, host } = setup();
    await settle(driver.stop('smb'));
    host.onSpawn = (p) => p.exit(1);
    await failure(driver.start('smb'));
    await settle(driver.stop('smb'));
    expect((await driver.status('smb')).state).toBe('stopped');
  });

  it('cancels a pending automatic restart', async () => {
    const { driver, host } = setup();
    await settle(driver.start('smb'));
    host.last.exit(1);
    await jest.advanceTimersByTimeAsync(100);
    await settle(driver.stop('smb'), 100);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(host.spawned).toHaveLength(1);
    expect((await driver.status('smb')).state).toBe('stopped');
  });

  it('stopAll stops every daemon and no restart follows', async () => {
    const { driver, host } = setup();
    driver.register({ id: 'ftp', command: 'vsftpd', args: ['/etc/vsftpd.conf'], reload: { kind: 'restart' }, readiness: { tcpPort: 2121 } });
    host.onSpawn = (p) => p.listen(p.request.command === 'smbd' ? 4450 : 2121);
    await settle(driver.start('smb'));
    await settle(driver.start('ftp'));
    await settle(driver.stopAll());
    expect(host.spawned.every((p) => !p.alive)).toBe(true);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(host.spawned).toHaveLength(2);
    expect((await driver.status('ftp')).state).toBe('stopped');
  });
});

describe('ProcessDriver reload and restart', () => {
  it('reloads by signal and checks the daemon survived', async () => {
    const { driver, host, types } = setup();
    await settle(driver.start('smb'));
    host.onSignal = () => undefined;
    await settle(driver.reload('smb'));
    expect(host.signalsTo(host.last.pid)).toEqual(['SIGHUP']);
    expect(types().at(-1)).toBe('reloaded');
  });

  it('fails a reload that kills the daemon', async () => {
    const { driver, host } = setup();
    await settle(driver.start('smb'));
    host.onSignal = (p) => p.exit(1);
    const err = await failure(driver.reload('smb'), 100);
    expect(err).toMatchObject({ kind: 'reload-failed', message: 'smb reload failed: the daemon exited' });
  });

  it('reloads with a control command', async () => {
    const spec: DaemonSpec = { ...smbSpec, reload: { kind: 'command', command: 'smbcontrol', args: ['--configfile=/x/smb.conf', 'smbd', 'reload-config'] } };
    const { driver, runner } = setup(spec);
    runner.on('smbcontrol', () => ({ code: 0 }));
    await settle(driver.start('smb'));
    await settle(driver.reload('smb'));
    expect(runner.callsTo('smbcontrol').map((c) => c.args)).toEqual([['--configfile=/x/smb.conf', 'smbd', 'reload-config']]);
  });

  it('reports a failing control command with its stderr', async () => {
    const spec: DaemonSpec = { ...smbSpec, reload: { kind: 'command', command: 'smbcontrol', args: ['smbd', 'reload-config'] } };
    const { driver, runner } = setup(spec);
    runner.on('smbcontrol', () => ({ code: 1, stderr: 'Can not find smbd' }));
    await settle(driver.start('smb'));
    const err = await failure(driver.reload('smb'));
    expect(err.kind).toBe('reload-failed');
    expect(err.detail).toBe('Can not find smbd');
  });

  it('reloads a daemon without reload support by restarting it', async () => {
    const { driver, host } = setup({ ...smbSpec, reload: { kind: 'restart' } });
    await settle(driver.start('smb'));
    const first = host.last;
    await settle(driver.reload('smb'));
    expect(first.alive).toBe(false);
    expect(host.spawned).toHaveLength(2);
    expect((await driver.status('smb')).state).toBe('running');
  });

  it('reports a restart-reload whose new process fails as a failed reload', async () => {
    const { driver, host } = setup({ ...smbSpec, reload: { kind: 'restart' } });
    await settle(driver.start('smb'));
    host.onSpawn = (p) => p.exit(1);
    const err = await failure(driver.reload('smb'));
    expect(err).toMatchObject({ kind: 'reload-failed', message: 'smb reload failed: smb did not start: exited during start-up (exit code 1)' });
  });

  it('refuses to reload a stopped daemon', async () => {
    const { driver } = setup();
    const err = await failure(driver.reload('smb'));
    expect(err.kind).toBe('not-running');
  });

  it('restart replaces the process and resets the restart counter', async () => {
    const { driver, host } = setup();
    await settle(driver.start('smb'));
    host.last.exit(1);
    await jest.advanceTimersByTimeAsync(700);
    expect((await driver.status('smb')).restarts).toBe(1);
    await settle(driver.restart('smb'));
    expect(host.spawned).toHaveLength(3);
    expect(host.spawned[1].alive).toBe(false);
    expect((await driver.status('smb')).restarts).toBe(0);
  });
});

describe('ProcessDriver enable, disable and start-up', () => {
  it('persists enabled daemons and starts only those at app start', async () => {
    const fs = new FakeHostFs();
    const first = setup(smbSpec, fs);
    first.driver.register({ id: 'ftp', command: 'vsftpd', args: [], reload: { kind: 'restart' } });
    await first.driver.enable('smb');
    await first.driver.enable('ftp');
    await first.driver.disable('ftp');
    expect(JSON.parse((await fs.readFile(`${RUN}/enabled.json`)) ?? '')).toEqual({ enabled: ['smb'] });
    expect((await first.driver.status('smb')).enabled).toBe(true);
    expect(first.host.spawned).toHaveLength(0);

    const second = setup(smbSpec, fs);
    second.driver.register({ id: 'ftp', command: 'vsftpd', args: [], reload: { kind: 'restart' } });
    const result = await settle(second.driver.startEnabled());
    expect(result).toEqual({ smb: { ok: true } });
    expect(second.host.spawned.map((p) => p.request.command)).toEqual(['smbd']);
  });

  it('reports a daemon that fails at app start without throwing', async () => {
    const fs = new FakeHostFs().seed(`${RUN}/enabled.json`, '{"enabled":["smb"]}');
    const { driver, host } = setup(smbSpec, fs);
    host.onSpawn = (p) => p.exit(2);
    const result = await settle(driver.startEnabled());
    expect(result).toEqual({ smb: { ok: false, error: 'smb did not start: exited during start-up (exit code 2)' } });
  });

  it('removes a stale pid file whose process is gone', async () => {
    const fs = new FakeHostFs().seed(`${RUN}/smb.pid`, '4242\n');
    const { driver, events } = setup(smbSpec, fs);
    await settle(driver.start('smb'));
    const stale = events.find((e) => e.type === 'stale-pid');
    expect(stale?.message).toBe(`removed stale pid file ${RUN}/smb.pid (pid 4242 is not running)`);
  });

  it('stops a daemon orphaned by a previous run of the app, found by its marker', async () => {
    const fs = new FakeHostFs().seed(`${RUN}/smb.pid`, '4242\n');
    const { driver, host, events } = setup(smbSpec, fs);
    const orphan = host.addProcess({ [SUPERVISOR_ENV]: SMB_KEY }, { pid: 4242 });
    await settle(driver.startEnabled());
    expect(orphan.alive).toBe(false);
    expect(events.find((e) => e.type === 'stale-pid')?.message).toContain('left running by a previous run of MoxNAS');
    // Not enabled: cleaned up, but not started.
    expect(host.spawned).toHaveLength(0);
  });

  it('reports an orphan of a previous run as running with its pid until startEnabled replaces it', async () => {
    const fs = new FakeHostFs().seed(`${RUN}/smb.pid`, '4242\n').seed(`${RUN}/enabled.json`, '{"enabled":["smb"]}');
    const { driver, host } = setup(smbSpec, fs);
    const orphan = host.addProcess({ [SUPERVISOR_ENV]: SMB_KEY }, { pid: 4242, argv: ['/usr/sbin/smbd', ...smbSpec.args] });
    expect(await driver.status('smb')).toMatchObject({ state: 'running', pid: 4242, orphan: true });
    expect((await driver.status('smb')).message).toContain('left running by a previous run of MoxNAS');

    await settle(driver.startEnabled());
    expect(orphan.alive).toBe(false);
    const status = await driver.status('smb');
    expect(status).toMatchObject({ state: 'running', pid: host.last.pid });
    expect(status.orphan).toBeUndefined();
  });

  it('does not report a pid-file process that is not this daemon with our arguments', async () => {
    const fs = new FakeHostFs().seed(`${RUN}/smb.pid`, '4242\n');
    const { driver, host } = setup(smbSpec, fs);
    // Our marker (a child inherited it), but another command line: not the daemon itself.
    host.addProcess({ [SUPERVISOR_ENV]: SMB_KEY }, { pid: 4242, argv: ['/usr/sbin/smbd', '-s', '/elsewhere/smb.conf'] });
    expect(await driver.status('smb')).toMatchObject({ state: 'stopped', pid: null });
    // The command line, but not our marker (another supervisor's smbd).
    host.others.clear();
    host.addProcess({ [SUPERVISOR_ENV]: 'smb@/other/run' }, { pid: 4242, argv: ['/usr/sbin/smbd', ...smbSpec.args] });
    expect(await driver.status('smb')).toMatchObject({ state: 'stopped', pid: null });
  });

  it('never signals a reused pid that belongs to another program', async () => {
    const fs = new FakeHostFs().seed(`${RUN}/smb.pid`, '4242\n');
    const { driver, host, events } = setup(smbSpec, fs);
    host.foreignPids.add(4242);
    await settle(driver.start('smb'));
    expect(host.signalsTo(4242)).toEqual([]);
    expect(events.find((e) => e.type === 'stale-pid')?.message).toContain('now belongs to another program');
  });

  it('rejects a corrupt state file clearly', async () => {
    const fs = new FakeHostFs().seed(`${RUN}/enabled.json`, '{"enabled": "smb"}');
    const { driver } = setup(smbSpec, fs);
    await expect(driver.status('smb')).rejects.toThrow('has no "enabled" list');
  });
});

describe('ProcessDriver registration', () => {
  it('rejects unknown ids, duplicate and unsafe registrations', async () => {
    const { driver } = setup();
    await expect(driver.status('nope')).rejects.toMatchObject({ kind: 'unknown-service' });
    expect(() => driver.register(smbSpec)).toThrow('already registered');
    expect(() => driver.register({ ...smbSpec, id: '../etc' })).toThrow('must match');
    expect(driver.services()).toEqual(['smb']);
  });

  it('keeps supervising when an event listener throws', async () => {
    const { driver } = setup();
    driver.onEvent(() => {
      throw new Error('listener bug');
    });
    await settle(driver.start('smb'));
    expect((await driver.status('smb')).state).toBe('running');
  });

  it('unsubscribes listeners', async () => {
    const { driver, host } = setup();
    const seen: string[] = [];
    const off = driver.onEvent((e) => seen.push(e.type));
    off();
    await settle(driver.start('smb'));
    expect(seen).toEqual([]);
    expect(host.spawned).toHaveLength(1);
  });
});

