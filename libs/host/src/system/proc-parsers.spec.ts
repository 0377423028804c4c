import {
  cpuUsage,
  parseCpuInfo,
  parseDiskStats,
  parseLoadAvg,
  parseMemInfo,
  parseOsRelease,
  parseProcStat,
  parseUptime,
} from './proc-parsers';

const STAT = `cpu  100 0 50 800 50 0 0 0 0 0
cpu0 60 0 20 400 20 0 0 0 0 0
cpu1 40 0 30 400 30 0 0 0 0 0
intr 12345 0 0
ctxt 999
btime 1700000000
`;

describe('parseProcStat / cpuUsage', () => {
  it('reads the total and every core in order', () => {
    const s = parseProcStat(STAT);
    expect(s.total).toEqual({ user: 100, nice: 0, system: 50, idle: 800, iowait: 50, irq: 0, softirq: 0, steal: 0 });
    expect(s.cores).toHaveLength(2);
    expect(s.cores[1].system).toBe(30);
  });

  it('computes the busy share between two samples, idle and iowait counting as not busy', () => {
    const a = parseProcStat(STAT).total;
    const b = { ...a, user: a.user + 30, system: a.system + 20, idle: a.idle + 40, iowait: a.iowait + 10 };
    expect(cpuUsage(b, a)).toBeCloseTo(50 / 100);
    // Without a previous sample: the average since boot.
    expect(cpuUsage(a)).toBeCloseTo(150 / 1000);
    expect(cpuUsage(a, a)).toBe(0);
  });

  it('accepts old kernels with fewer columns', () => {
    expect(parseProcStat('cpu 1 2 3 4\n').total).toEqual({ user: 1, nice: 2, system: 3, idle: 4, iowait: 0, irq: 0, softirq: 0, steal: 0 });
  });
});

describe('parseMemInfo', () => {
  it('converts kB to bytes and uses MemAvailable', () => {
    const m = parseMemInfo('MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    600 kB\nBuffers:          50 kB\nCached:          300 kB\nSReclaimable:     20 kB\nSwapTotal:       200 kB\nSwapFree:        150 kB\n');
    expect(m).toEqual({
      totalBytes: 1000 * 1024,
      freeBytes: 100 * 1024,
      availableBytes: 600 * 1024,
      buffersBytes: 50 * 1024,
      cachedBytes: 320 * 1024,
      swapTotalBytes: 200 * 1024,
      swapFreeBytes: 150 * 1024,
    });
  });

  it('estimates available memory on kernels without MemAvailable', () => {
    expect(parseMemInfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 300 kB\n').availableBytes).toBe(450 * 1024);
  });
});

describe('small /proc files', () => {
  it('reads load averages and uptime', () => {
    expect(parseLoadAvg('0.52 0.58 0.59 2/1180 12345\n')).toEqual([0.52, 0.58, 0.59]);
    expect(parseUptime('350735.47 234388.90\n')).toBe(350735.47);
    expect(parseUptime('garbage')).toBe(0);
  });

  it('reads disk counters in bytes (512-byte sectors)', () => {
    const d = parseDiskStats('   8       0 sda 100 5 2000 300 50 2 1000 400 0 500 700 0 0 0 0\n   7       0 loop0 1 0 8 0 0 0 0 0 0 0 0\nbroken line\n');
    expect(d[0]).toEqual({ device: 'sda', major: 8, minor: 0, readsCompleted: 100, writesCompleted: 50, readBytes: 2000 * 512, writtenBytes: 1000 * 512, ioMs: 500 });
    // Old kernels print 14 fields; a line of another shape is skipped.
    expect(d.map((x) => x.device)).toEqual(['sda', 'loop0']);
  });

  it('reads the CPU model on x86 and ARM', () => {
    expect(parseCpuInfo('processor\t: 0\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n')).toEqual({ model: 'AMD EPYC 7B13', logical: 2 });
    expect(parseCpuInfo('processor\t: 0\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n').model).toBe('BCM2835');
    expect(parseCpuInfo('').model).toBe('unknown');
  });

  it('reads os-release with quotes and defaults', () => {
    const r = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n# comment\n');
    expect(r).toEqual({ id: 'debian', name: 'Debian GNU/Linux', version: '12 (bookworm)', prettyName: 'Debian GNU/Linux 12 (bookworm)', codename: 'bookworm' });
    expect(parseOsRelease('')).toEqual({ id: 'linux', name: 'Linux', version: '', prettyName: 'Linux', codename: null });
  });
});
