import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNetDev } from './net-dev.parser';

const fixture = (name: string) => readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

describe('parseNetDev', () => {
  it('parses every interface and skips the two header lines', () => {
    const entries = parseNetDev(fixture('net-dev.txt'));
    expect(entries.map((e) => e.interface)).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
    expect(entries[3]).toMatchObject({ rxBytes: 865898468, rxPackets: 25300, txBytes: 2219602, txPackets: 13677 });
  });

  it('maps all sixteen columns in order', () => {
    const [, eth0] = parseNetDev(fixture('net-dev-old-kernel.txt'));
    expect(eth0).toEqual({
      interface: 'eth0@if12',
      rxBytes: 9007199254740991,
      rxPackets: 25300,
      rxErrors: 1,
      rxDropped: 2,
      rxFifo: 3,
      rxFrame: 4,
      rxCompressed: 5,
      rxMulticast: 6,
      txBytes: 2219602,
      txPackets: 13677,
      txErrors: 7,
      txDropped: 8,
      txFifo: 9,
      txCollisions: 10,
      txCarrier: 11,
      txCompressed: 12,
    });
  });

  it('splits a counter glued to the colon by old kernels', () => {
    const [lo] = parseNetDev(fixture('net-dev-old-kernel.txt'));
    expect(lo).toMatchObject({ interface: 'lo', rxBytes: 123456789012, rxPackets: 3114 });
  });

  it('skips truncated lines', () => {
    expect(parseNetDev('  eth0: 1 2 3\n')).toEqual([]);
  });
});
