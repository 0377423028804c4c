import { CommandError } from '../command/command-runner';
import { failure, RUN, settle, setup, SMB_KEY, smbSpec, T0, useFakeTime } from '../testing/process-driver.fixture';
import { SUPERVISOR_ENV } from './process.driver';

useFakeTime();

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
