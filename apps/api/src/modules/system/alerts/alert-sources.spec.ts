import { formatBytes, usageLevel } from './alert-sources.service';

describe('pool usage levels', () => {
  it('raises at the thresholds', () => {
    expect(usageLevel(0.5, 0.8, 0.95, undefined)).toBeNull();
    expect(usageLevel(0.8, 0.8, 0.95, undefined)).toBe('warning');
    expect(usageLevel(0.95, 0.8, 0.95, undefined)).toBe('critical');
  });

  it('steps down only below the threshold minus the hysteresis', () => {
    expect(usageLevel(0.94, 0.8, 0.95, 'critical')).toBe('critical');
    expect(usageLevel(0.92, 0.8, 0.95, 'critical')).toBe('warning');
    expect(usageLevel(0.79, 0.8, 0.95, 'warning')).toBe('warning');
    expect(usageLevel(0.77, 0.8, 0.95, 'warning')).toBeNull();
    expect(usageLevel(0.77, 0.8, 0.95, 'critical')).toBeNull();
  });

  it('formats sizes for messages', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(960 * 1024 ** 3)).toBe('960 GiB');
  });
});
