import { FakeCommandRunner } from '../testing/command-runner.fake';
import { FakeHostFs } from '../testing/host-fs.fake';
import { FakeProcessHost } from '../testing/process-host.fake';
import { ProcessDriver } from './process.driver';
import type { ServiceDefinition } from './service-driver';
import { chooseServiceDriverKind, createServiceDriver } from './service-driver.factory';
import { SystemdDriver } from './systemd.driver';

const definitions: ServiceDefinition[] = [
  { id: 'smb', unit: 'smbd.service', daemon: { command: 'smbd', args: ['--foreground'], reload: { kind: 'signal', signal: 'SIGHUP' } } },
  { id: 'ftp', unit: 'vsftpd.service', daemon: { command: 'vsftpd', args: ['/etc/vsftpd.conf'], reload: { kind: 'restart' } } },
];

const base = () => ({ definitions, runner: new FakeCommandRunner(), fs: new FakeHostFs(), runDir: '/run/moxnas', processHost: new FakeProcessHost() });

describe('createServiceDriver', () => {
  it('uses systemd when it is PID 1', () => {
    const driver = createServiceDriver({ ...base(), systemdPid1: true });
    expect(driver).toBeInstanceOf(SystemdDriver);
    expect(driver.services()).toEqual(['smb', 'ftp']);
  });

  it('supervises the daemons itself otherwise', () => {
    const driver = createServiceDriver({ ...base(), systemdPid1: false });
    expect(driver).toBeInstanceOf(ProcessDriver);
    expect(driver.kind).toBe('process');
    expect(driver.services()).toEqual(['smb', 'ftp']);
  });

  it('honours an explicit choice', () => {
    expect(chooseServiceDriverKind(true, 'process')).toBe('process');
    expect(chooseServiceDriverKind(false)).toBe('process');
    expect(createServiceDriver({ ...base(), systemdPid1: true, kind: 'process' }).kind).toBe('process');
  });

  it('rejects a service defined twice', () => {
    expect(() => createServiceDriver({ ...base(), systemdPid1: false, definitions: [definitions[0], definitions[0]] })).toThrow('defined twice');
  });
});
