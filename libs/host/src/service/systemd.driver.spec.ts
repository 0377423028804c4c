import { FakeCommandRunner } from '../testing/command-runner.fake';
import type { ServiceEvent } from './service-driver';
import { parseSystemctlShow, parseSystemdTimestamp, SystemdDriver } from './systemd.driver';

const NOW = Date.parse('2026-11-21T10:05:00Z');

const ACTIVE = [
  'LoadState=loaded',
  'ActiveState=active',
  'SubState=running',
  'MainPID=812',
  'ActiveEnterTimestamp=Sat 2026-11-21 10:00:00 UTC',
  'NRestarts=2',
  'Result=success',
  'ExecMainCode=0',
  'ExecMainStatus=0',
  'ExecMainExitTimestamp=',
].join('\n');

function setup(show = ACTIVE, enabled = { code: 0, stdout: 'enabled\n' }) {
  const runner = new FakeCommandRunner()
    .on('systemctl', (args) => {
      if (args[0] === 'show') return { stdout: `${show}\n` };
      if (args[0] === 'is-enabled') return enabled;
      return { code: 0 };
    })
    .on('journalctl', () => ({ stdout: 'smbd[1]: Unable to open config\n' }));
  const driver = new SystemdDriver({ runner, units: { smb: 'smbd.service', ftp: 'vsftpd.service' }, now: () => NOW });
  return { runner, driver };
}

describe('SystemdDriver', () => {
  it('maps systemctl show and is-enabled into a status', async () => {
    const { driver, runner } = setup();
    expect(await driver.status('smb')).toEqual({
      id: 'smb',
      state: 'running',
      pid: 812,
      startedAt: '2026-11-21T10:00:00.000Z',
      uptimeSeconds: 300,
      enabled: true,
      restarts: 2,
      lastExit: null,
      message: null,
    });
    const show = runner.callsTo('systemctl').find((c) => c.args[0] === 'show');
    expect(show?.args).toEqual(['show', expect.stringContaining('--property=LoadState,ActiveState'), 'smbd.service']);
    expect(show?.options.env).toEqual({ TZ: 'UTC' });
  });

  it('reports a failed unit with its last exit and a disabled unit', async () => {
    const failed = [
      'LoadState=loaded',
      'ActiveState=failed',
      'MainPID=0',
      'ActiveEnterTimestamp=Sat 2026-11-21 09:00:00 UTC',
      'NRestarts=0',
      'Result=signal',
      'ExecMainCode=2',
      'ExecMainStatus=9',
      'ExecMainExitTimestamp=Sat 2026-11-21 09:30:00 UTC',
    ].join('\n');
    const { driver } = setup(failed, { code: 1, stdout: 'disabled\n' });
    expect(await driver.status('smb')).toEqual({
      id: 'smb',
      state: 'failed',
      pid: null,
      startedAt: null,
      uptimeSeconds: null,
      enabled: false,
      restarts: 0,
      lastExit: { code: null, signal: 'SIGKILL', at: '2026-11-21T09:30:00.000Z', expected: false },
      message: 'smbd.service failed (signal)',
    });
  });

  it('says when the unit is not installed', async () => {
    const { driver } = setup('LoadState=not-found\nActiveState=inactive\nMainPID=0', { code: 1, stdout: '' });
    expect(await driver.status('smb')).toMatchObject({ state: 'stopped', enabled: false, message: 'smbd.service is not installed' });
  });

  it('wraps a failing systemctl query', async () => {
    const runner = new FakeCommandRunner().on('systemctl', () => ({ code: 1, stderr: 'Failed to connect to bus' }));
    const driver = new SystemdDriver({ runner, units: { smb: 'smbd.service' } });
    await expect(driver.status('smb')).rejects.toMatchObject({ kind: 'control-failed', detail: 'Failed to connect to bus' });
  });

  it('runs systemctl verbs and reload-or-restart for reload', async () => {
    const { driver, runner } = setup();
    await driver.start('smb');
    await driver.stop('smb');
    await driver.restart('smb');
    await driver.reload('smb');
    await driver.enable('ftp');
    await driver.disable('ftp');
    expect(runner.callsTo('systemctl').map((c) => c.args.join(' '))).toEqual([
      'start smbd.service',
      'stop smbd.service',
      'restart smbd.service',
      'reload-or-restart smbd.service',
      'enable vsftpd.service',
      'disable vsftpd.service',
    ]);
  });

  it('adds the unit journal to a failed start', async () => {
    const runner = new FakeCommandRunner()
      .on('systemctl', (args) => (args[0] === 'start' ? { code: 1, stderr: 'Job for smbd.service failed.' } : { stdout: ACTIVE }))
      .on('journalctl', () => ({ stdout: 'smbd[1]: Unable to open config\n' }));
    const driver = new SystemdDriver({ runner, units: { smb: 'smbd.service' } });
    await expect(driver.start('smb')).rejects.toMatchObject({
      kind: 'start-failed',
      serviceId: 'smb',
      detail: 'smbd[1]: Unable to open config',
    });
    expect(runner.callsTo('journalctl')[0].args).toEqual(['--unit', 'smbd.service', '--lines', '20', '--no-pager', '--output', 'cat']);
  });

  it('emits events with the fresh status after its own actions', async () => {
    const { driver } = setup();
    const events: ServiceEvent[] = [];
    driver.onEvent((e) => events.push(e));
    await driver.restart('smb');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'smb', type: 'started', status: { state: 'running', pid: 812 } });
  });

  it('leaves boot-time start and shutdown to systemd', async () => {
    const { driver, runner } = setup();
    expect(await driver.startEnabled()).toEqual({});
    await driver.stopAll();
    expect(runner.calls).toEqual([]);
    expect(driver.services()).toEqual(['smb', 'ftp']);
  });

  it('rejects unknown ids', async () => {
    const { driver } = setup();
    await expect(driver.start('nfs')).rejects.toMatchObject({ kind: 'unknown-service' });
  });
});

describe('systemctl output parsing', () => {
  it('parses Key=value lines, keeping = inside values', () => {
    expect(parseSystemctlShow('A=1\nExecStart={ path=/usr/sbin/smbd ; argv[]=x }\nEmpty=\n')).toEqual({
      A: '1',
      ExecStart: '{ path=/usr/sbin/smbd ; argv[]=x }',
      Empty: '',
    });
  });

  it('parses UTC timestamps with or without microseconds and rejects n/a', () => {
    expect(parseSystemdTimestamp('Sat 2026-11-21 10:00:00 UTC')).toBe(Date.parse('2026-11-21T10:00:00Z'));
    expect(parseSystemdTimestamp('Sat 2026-11-21 10:00:00.123456 UTC')).toBe(Date.parse('2026-11-21T10:00:00Z'));
    expect(parseSystemdTimestamp('n/a')).toBeNull();
    expect(parseSystemdTimestamp('')).toBeNull();
    expect(parseSystemdTimestamp(undefined)).toBeNull();
  });
});
