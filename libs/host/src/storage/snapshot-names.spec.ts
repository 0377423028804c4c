import { parseSnapshotName, snapshotName } from './snapshot-names';

describe('snapshot names', () => {
  it('formats the UTC second as shadow_copy2 expects, and parses it back', () => {
    const at = new Date('2024-01-31T23:59:58.750Z');
    expect(snapshotName(at)).toBe('@GMT-2024.01.31-23.59.58');
    expect(snapshotName(at, { at: false })).toBe('GMT-2024.01.31-23.59.58');
    expect(parseSnapshotName('@GMT-2024.01.31-23.59.58')?.toISOString()).toBe('2024-01-31T23:59:58.000Z');
    expect(parseSnapshotName('GMT-2024.01.31-23.59.58')?.toISOString()).toBe('2024-01-31T23:59:58.000Z');
  });

  it.each(['@GMT-2024.02.30-00.00.00', '@GMT-2024.01.01-24.00.00', '@GMT-2024.1.1-0.0.0', '.moxnas', '@GMT-2024.01.01-00.00.00x', 'x@GMT-2024.01.01-00.00.00'])('refuses %s', (name) => {
    expect(parseSnapshotName(name)).toBeNull();
  });
});
