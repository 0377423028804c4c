import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  CommandError,
  ExecCommandRunner,
  NodeHostFs,
  NodeProcessHost,
  parseSmbStatusJson,
  ProcessDriver,
  SUPERVISOR_ENV,
  type DaemonSpec,
  type ServiceError,
  type ServiceEvent,
} from '@moxnas/host';
import { binaryPath, describeHost, exec, freePort, processesMentioning, readGreeting, tempDir, waitFor } from './support/host-test-env';

function newDriver(runDir: string): { driver: ProcessDriver; events: ServiceEvent[] } {
  // Short backoff so the restart test does not wait half a second per attempt.
  const driver = new ProcessDriver({
    runDir,
    fs: new NodeHostFs(),
    host: new NodeProcessHost(),
    runner: new ExecCommandRunner(),
    backoff: { initialMs: 200 },
  });
  const events: ServiceEvent[] = [];
  driver.onEvent((e) => events.push(e));
  return { driver, events };
}

/** kill -9 of one daemon; never pid 0 or -1, which would signal the whole process group or everything. */
function hardKill(pid: number | null): void {
  if (pid === null || !Number.isInteger(pid) || pid <= 1) throw new Error(`refusing to kill pid ${String(pid)}`);
  process.kill(pid, 'SIGKILL');
}

async function portAnswers(port: number): Promise<boolean> {
  return new NodeProcessHost().tcpConnect('127.0.0.1', port, 500);
}

function smbConf(dir: string, port: number, shares: string[]): string {
  const global = [
    '[global]',
    `  smb ports = ${port}`,
    '  interfaces = 127.0.0.1',
    '  bind interfaces only = yes',
    '  disable netbios = yes',
    '  server role = standalone server',
    '  workgroup = MOXTEST',
    `  private dir = ${dir}/private`,
    `  lock directory = ${dir}/lock`,
    `  state directory = ${dir}/state`,
    `  cache directory = ${dir}/cache`,
    `  pid directory = ${dir}/pid`,
    `  ncalrpc dir = ${dir}/ncalrpc`,
    `  log file = ${dir}/log/log.%m`,
    '  disable spoolss = yes',
    '  load printers = no',
    '  printing = bsd',
    '  printcap name = /dev/null',
    '  map to guest = bad user',
  ];
  const sections = shares.flatMap((name) => [`[${name}]`, `  path = ${dir}/share`, '  guest ok = yes', '  read only = yes']);
  return [...global, ...sections, ''].join('\n');
}

describeHost('ProcessDriver supervising a real smbd', { root: true, binaries: ['smbd', 'smbclient', 'smbcontrol'] }, () => {
  let dir: string;
  let runDir: string;
  let conf: string;
  let port: number;
  let driver: ProcessDriver;
  let events: ServiceEvent[];
  let orphan: ChildProcess | undefined;

  const listShares = async () => {
    const r = await exec(binaryPath('smbclient') ?? 'smbclient', ['-N', '-L', '127.0.0.1', '-p', String(port), '-m', 'SMB3']);
    return `${r.stdout}\n${r.stderr}`;
  };

  beforeAll(async () => {
    dir = await tempDir('smbd');
    runDir = path.join(dir, 'run');
    conf = path.join(dir, 'smb.conf');
    port = await freePort();
    for (const sub of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'log', 'share', 'tmp']) await fsp.mkdir(path.join(dir, sub));
    await fsp.chmod(path.join(dir, 'private'), 0o700);
    // Anonymous listing runs as the guest account (nobody), which must reach the IPC$ directory.
    await fsp.chmod(dir, 0o755);
    await fsp.chmod(path.join(dir, 'tmp'), 0o1777);
    await fsp.writeFile(conf, smbConf(dir, port, ['public']));
    ({ driver, events } = newDriver(runDir));
    driver.register(smbSpec());
  });

  afterAll(async () => {
    await driver?.stopAll();
    if (orphan && orphan.exitCode === null && orphan.signalCode === null) orphan.kill('SIGKILL');
    await fsp.rm(dir, { recursive: true, force: true });
  });

  function smbSpec(id = 'smb', configFile = conf): DaemonSpec {
    return {
      id,
      command: 'smbd',
      args: ['--foreground', '--no-process-group', `--configfile=${configFile}`, '--debug-stdout', '--debuglevel=1'],
      // Samba puts IPC$ in TMPDIR: keep it inside the test's sandbox.
      env: { TMPDIR: path.join(dir, 'tmp') },
      reload: { kind: 'command', command: 'smbcontrol', args: [`--configfile=${configFile}`, 'smbd', 'reload-config'] },
      readiness: { tcpPort: port },
      startTimeoutMs: 20_000,
      stopGraceMs: 5_000,
    };
  }

  it('starts smbd in the foreground and serves the share list', async () => {
    await driver.start('smb');
    const status = await driver.status('smb');
    expect(status).toMatchObject({ state: 'running', restarts: 0, enabled: false });
    expect(status.pid).toEqual(expect.any(Number));
    expect(await fsp.readFile(path.join(runDir, 'smb.pid'), 'utf8')).toBe(`${status.pid}\n`);
    expect(await listShares()).toMatch(/public\s+Disk/);
  });

  it('restarts smbd after kill -9 and counts the restart', async () => {
    const before = await driver.status('smb');
    hardKill(before.pid);
    const after = await waitFor(async () => {
      const s = await driver.status('smb');
      return s.state === 'running' && s.pid !== before.pid ? s : undefined;
    }, 'smbd to be restarted');
    expect(after.restarts).toBe(1);
    expect(after.lastExit).toMatchObject({ signal: 'SIGKILL', expected: false });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['exited', 'restarting', 'restarted']));
    expect(await listShares()).toMatch(/public\s+Disk/);
  });

  it('reloads the configuration with smbcontrol without a restart', async () => {
    const before = await driver.status('smb');
    await fsp.writeFile(conf, smbConf(dir, port, ['public', 'added']));
    await driver.reload('smb');
    const after = await driver.status('smb');
    expect(after).toMatchObject({ state: 'running', pid: before.pid });
    expect(events.at(-1)?.type).toBe('reloaded');
    expect(await listShares()).toMatch(/added\s+Disk/);
  });

  it('reads live sessions and tree connects with smbstatus --json', async () => {
    // An interactive smbclient keeps its session and tree connect open until stdin closes.
    const client = spawn(binaryPath('smbclient') ?? 'smbclient', ['-N', '//127.0.0.1/public', '-p', String(port), '-m', 'SMB3'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    try {
      const runner = new ExecCommandRunner();
      const status = await waitFor(async () => {
        const parsed = parseSmbStatusJson((await runner.run('smbstatus', ['--json', `--configfile=${conf}`])).stdout);
        return parsed.tcons.some((t) => t.service === 'public') ? parsed : undefined;
      }, 'the smbclient tree connect');
      const tcon = status.tcons.find((t) => t.service === 'public');
      const session = status.sessions.find((x) => x.sessionId === tcon?.sessionId);
      expect(session).toMatchObject({ username: 'nobody', remoteMachine: '127.0.0.1' });
      expect(session?.dialect).toMatch(/^SMB3/);
      expect(tcon?.machine).toBe('127.0.0.1');
    } finally {
      client.stdin?.end();
      if (client.exitCode === null) await new Promise((resolve) => client.once('exit', resolve));
    }
  });

  it('stops smbd and leaves no process behind', async () => {
    const pid = (await driver.status('smb')).pid;
    await driver.stop('smb');
    expect(await driver.status('smb')).toMatchObject({ state: 'stopped', pid: null });
    expect(await processesMentioning(dir)).toEqual([]);
    expect(await new NodeProcessHost().findByEnv(SUPERVISOR_ENV, `smb@${runDir}`)).toEqual([]);
    expect(pid).toEqual(expect.any(Number));
    expect(await new NodeProcessHost().isAlive(pid as number)).toBe(false);
    expect(await portAnswers(port)).toBe(false);
    await expect(fsp.access(path.join(runDir, 'smb.pid'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports why smbd could not start, with its output', async () => {
    driver.register(smbSpec('smb-broken', path.join(dir, 'missing.conf')));
    const err = await driver.start('smb-broken').then(
      () => undefined,
      (e: ServiceError) => e,
    );
    expect(err?.kind).toBe('start-failed');
    expect(err?.message).toMatch(/^smb-broken did not start: exited during start-up \(exit code \d+\)$/);
    expect(err?.detail).toContain('missing.conf');
    expect(await driver.status('smb-broken')).toMatchObject({ state: 'failed', pid: null });
  });

  it('at app start, replaces a daemon orphaned by a previous run and clears its pid file', async () => {
    // The first driver goes away (it would otherwise clean up the orphan itself).
    await driver.stopAll();
    // A previous run of the app started smbd (with the marker in its environment) and died.
    orphan = spawn(binaryPath('smbd') ?? 'smbd', smbSpec().args, {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', [SUPERVISOR_ENV]: `smb@${runDir}` },
      // Its own process group, as the driver does: smbd signals its group when it is stopped.
      detached: true,
      stdio: 'ignore',
    });
    await fsp.mkdir(runDir, { recursive: true });
    await fsp.writeFile(path.join(runDir, 'smb.pid'), `${orphan.pid}\n`);
    await waitFor(() => portAnswers(port), 'the orphan smbd to listen');
    const orphanGone = new Promise((resolve) => orphan?.once('exit', resolve));

    const next = newDriver(runDir);
    next.driver.register(smbSpec());
    await next.driver.enable('smb');
    try {
      // Until startEnabled replaces it, the status says what serves: the orphan, running, its pid.
      expect(await next.driver.status('smb')).toMatchObject({ state: 'running', pid: orphan.pid, orphan: true });
      expect(await next.driver.startEnabled()).toEqual({ smb: { ok: true } });
      await orphanGone;
      const status = await next.driver.status('smb');
      expect(status).toMatchObject({ state: 'running', enabled: true });
      expect(status.pid).not.toBe(orphan.pid);
      expect(next.events.find((e) => e.type === 'stale-pid')?.message).toContain('left running by a previous run of MoxNAS');
      expect(await listShares()).toMatch(/public\s+Disk/);
    } finally {
      await next.driver.stopAll();
    }
    expect(await processesMentioning(dir)).toEqual([]);
  });

  it('removes a stale pid file of a process that is gone', async () => {
    const { driver: fresh, events: freshEvents } = newDriver(runDir);
    fresh.register(smbSpec());
    // A pid that cannot exist (pid_max is at most 2^22).
    await fsp.writeFile(path.join(runDir, 'smb.pid'), '2147483000\n');
    try {
      await fresh.start('smb');
      expect(freshEvents.find((e) => e.type === 'stale-pid')?.message).toContain('is not running');
    } finally {
      await fresh.stopAll();
    }
  });
});

function vsftpdConf(dir: string, port: number, banner: string): string {
  return [
    'listen=YES',
    'listen_ipv6=NO',
    'listen_address=127.0.0.1',
    `listen_port=${port}`,
    'background=NO',
    `secure_chroot_dir=${dir}/empty`,
    'anonymous_enable=NO',
    'local_enable=YES',
    'seccomp_sandbox=NO',
    'pam_service_name=vsftpd',
    `ftpd_banner=${banner}`,
    'xferlog_enable=NO',
    '',
  ].join('\n');
}

describeHost('ProcessDriver supervising a real vsftpd', { root: true, binaries: ['vsftpd'] }, () => {
  let dir: string;
  let conf: string;
  let port: number;
  let driver: ProcessDriver;

  beforeAll(async () => {
    dir = await tempDir('vsftpd');
    conf = path.join(dir, 'vsftpd.conf');
    port = await freePort();
    // vsftpd refuses a secure_chroot_dir that others can write to.
    await fsp.mkdir(path.join(dir, 'empty'), { mode: 0o755 });
    await fsp.writeFile(conf, vsftpdConf(dir, port, 'MoxNAS test one'));
    ({ driver } = newDriver(path.join(dir, 'run')));
    driver.register(ftpSpec());
  });

  afterAll(async () => {
    await driver?.stopAll();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  function ftpSpec(id = 'ftp', configFile = conf): DaemonSpec {
    return {
      id,
      command: 'vsftpd',
      args: [configFile],
      errorsOnStdin: true,
      reload: { kind: 'signal', signal: 'SIGHUP' },
      readiness: { tcpPort: port },
      startTimeoutMs: 10_000,
      stopGraceMs: 5_000,
    };
  }

  it('starts vsftpd, which greets with 220', async () => {
    await driver.start('ftp');
    expect((await driver.status('ftp')).state).toBe('running');
    expect(await readGreeting(port)).toBe('220 MoxNAS test one');
  });

  it('reloads by SIGHUP: new connections get the new banner', async () => {
    const pid = (await driver.status('ftp')).pid;
    await fsp.writeFile(conf, vsftpdConf(dir, port, 'MoxNAS test two'));
    await driver.reload('ftp');
    expect((await driver.status('ftp')).pid).toBe(pid);
    expect(await waitFor(async () => (await readGreeting(port)) === '220 MoxNAS test two', 'the new banner', 5_000)).toBe(true);
  });

  it('restarts vsftpd after kill -9', async () => {
    const before = await driver.status('ftp');
    hardKill(before.pid);
    const after = await waitFor(async () => {
      const s = await driver.status('ftp');
      return s.state === 'running' && s.pid !== before.pid ? s : undefined;
    }, 'vsftpd to be restarted');
    expect(after.restarts).toBe(1);
    expect(await readGreeting(port)).toMatch(/^220 /);
  });

  it('stops vsftpd and its session processes, leaving nothing behind', async () => {
    // An open session: vsftpd forks a child per connection.
    const session = net.createConnection({ host: '127.0.0.1', port });
    await new Promise((resolve) => session.once('data', resolve));
    await driver.stop('ftp');
    session.destroy();
    expect(await processesMentioning(dir)).toEqual([]);
    expect(await new NodeProcessHost().findByEnv(SUPERVISOR_ENV, `ftp@${path.join(dir, 'run')}`)).toEqual([]);
    expect(await portAnswers(port)).toBe(false);
  });

  it('reports a broken vsftpd.conf with vsftpd’s own message', async () => {
    const bad = path.join(dir, 'bad.conf');
    await fsp.writeFile(bad, `${vsftpdConf(dir, port, 'x')}no_such_option=YES\n`);
    driver.register(ftpSpec('ftp-broken', bad));
    const err = await driver.start('ftp-broken').then(
      () => undefined,
      (e: ServiceError) => e,
    );
    expect(err?.kind).toBe('start-failed');
    expect(err?.detail).toContain('500 OOPS: unrecognised variable in config file: no_such_option');
  });
});

describeHost('NodeProcessHost', { root: true }, () => {
  it('refuses binaries outside the allowlist and reports missing ones', async () => {
    const host = new NodeProcessHost();
    await expect(host.spawn({ command: 'sleep', args: ['10'], env: {} })).rejects.toMatchObject({ kind: 'not-allowed' });
    await expect(host.spawn({ command: '/usr/sbin/smbd', args: [], env: {} })).rejects.toBeInstanceOf(CommandError);
    const missing = new NodeProcessHost({ allowed: new Set(['moxnas-no-such-binary']) });
    await expect(missing.spawn({ command: 'moxnas-no-such-binary', args: [], env: {} })).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('tells live processes from gone ones', async () => {
    const host = new NodeProcessHost();
    expect(await host.isAlive(process.pid)).toBe(true);
    expect(await host.isAlive(2147483000)).toBe(false);
    expect(await host.signal(2147483000, 'SIGTERM')).toBe(false);
    expect(await host.tcpConnect('127.0.0.1', await freePort(), 500)).toBe(false);
  });
});
