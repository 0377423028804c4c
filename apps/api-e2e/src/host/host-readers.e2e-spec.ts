import { promises as fsp } from 'node:fs';
import { parseMountInfo, parseNetDev, probeHost, PROBED_BINARIES, type ProbedBinary } from '@moxnas/host';
import { binaryPath, describeHost } from './support/host-test-env';

describeHost('host probes and /proc readers on this machine', {}, () => {
  it('probes facts that agree with the machine', async () => {
    const caps = await probeHost();
    expect(caps.root.value).toBe(process.getuid?.() === 0);
    const pid1 = (await fsp.readFile('/proc/1/comm', 'utf8')).trim();
    expect(caps.systemdPid1.value).toBe(pid1 === 'systemd');
    for (const name of Object.keys(PROBED_BINARIES) as ProbedBinary[]) {
      expect([name, caps.binaries[name].value]).toEqual([name, binaryPath(name) !== undefined]);
    }
    const nfsd = await fsp.access('/proc/fs/nfsd/exports').then(
      () => true,
      () => false,
    );
    const filesystems = await fsp.readFile('/proc/filesystems', 'utf8');
    expect(caps.kernelNfsd.value).toBe(nfsd || /\tnfsd$/m.test(filesystems));
    const uidMap = (await fsp.readFile('/proc/self/uid_map', 'utf8')).trim().split(/\s+/).join(' ');
    expect(caps.container.unprivileged.value).toBe(uidMap !== '0 0 4294967295');
    for (const fact of [caps.root, caps.systemdPid1, caps.kernelNfsd, caps.zfsDevice, caps.container.type]) expect(fact.reason).not.toBe('');
  });

  it('parses this machine’s mountinfo, with / and /proc', async () => {
    const mounts = parseMountInfo(await fsp.readFile('/proc/self/mountinfo', 'utf8'));
    expect(mounts.find((m) => m.mountPoint === '/')).toBeDefined();
    expect(mounts.find((m) => m.mountPoint === '/proc')?.fsType).toBe('proc');
  });

  it('parses this machine’s /proc/net/dev, with the loopback interface', async () => {
    const devices = parseNetDev(await fsp.readFile('/proc/net/dev', 'utf8'));
    const lo = devices.find((d) => d.interface === 'lo');
    expect(lo).toBeDefined();
    expect(lo?.rxBytes).toBeGreaterThanOrEqual(0);
  });
});
