import { FakeHostFs } from '../testing/host-fs.fake';
import { failure, RUN, settle, setup, SMB_KEY, smbSpec, useFakeTime } from '../testing/process-driver.fixture';
import { SUPERVISOR_ENV } from './process.driver';
import type { DaemonSpec } from './service-driver';

useFakeTime();

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
