import fs from 'node:fs';
import path from 'node:path';
import { parseRsyncProgressLine, parseRsyncStats, RsyncProgressReader } from './rsync-output.parser';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

describe('rsync --info=progress2 lines', () => {
  it('reads bytes, percent, rate, files and the to-check counts', () => {
    expect(parseRsyncProgressLine('      1,015,808  33%  959.04kB/s    0:00:02 (xfr#1, to-chk=3/5)')).toEqual({
      bytes: 1_015_808,
      percent: 33,
      bytesPerSecond: Math.round(959.04 * 1024),
      files: 1,
      toCheck: 3,
      totalFiles: 5,
    });
    expect(parseRsyncProgressLine('         32,768   1%    0.00kB/s    0:00:00  ')).toEqual({ bytes: 32_768, percent: 1, bytesPerSecond: 0, files: 0, toCheck: null, totalFiles: null });
    expect(parseRsyncProgressLine('  3,000,000,000  99%   12.50MB/s    0:03:48 (xfr#12, ir-chk=1000/2000)')).toMatchObject({ bytes: 3_000_000_000, bytesPerSecond: 12.5 * 1024 ** 2, files: 12 });
  });

  it('is not fooled by other output', () => {
    expect(parseRsyncProgressLine('Number of files: 5 (reg: 3, dir: 2)')).toBeNull();
    expect(parseRsyncProgressLine('')).toBeNull();
    expect(parseRsyncProgressLine('rsync: [sender] link_stat "/x" failed: No such file or directory (2)')).toBeNull();
  });

  it('follows a real run fed in chunks that split lines anywhere', () => {
    const text = fixture('rsync-full.txt');
    const reader = new RsyncProgressReader();
    const seen: number[] = [];
    for (let i = 0; i < text.length; i += 7) {
      const p = reader.feed(text.slice(i, i + 7));
      if (p) seen.push(p.bytes);
    }
    expect(seen.length).toBeGreaterThan(2);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(reader.latest).toMatchObject({ bytes: 3_000_005, percent: 100, files: 3, toCheck: 0, totalFiles: 5 });
  });

  it('keeps its buffer bounded when a line never ends', () => {
    const reader = new RsyncProgressReader();
    for (let i = 0; i < 100; i++) reader.feed('x'.repeat(1000));
    expect(reader.feed('\r      1,000 100%    1.00kB/s    0:00:01 (xfr#1, to-chk=0/1)\r')).toMatchObject({ bytes: 1000 });
  });
});

describe('rsync --stats', () => {
  it('reads the block of a full run', () => {
    expect(parseRsyncStats(fixture('rsync-full.txt'))).toEqual({
      files: 5,
      filesTransferred: 3,
      filesDeleted: 0,
      totalBytes: 3_000_005,
      transferredBytes: 3_000_005,
      literalBytes: 3_000_005,
      sentBytes: 3_000_980,
      receivedBytes: 72,
    });
  });

  it('reads an incremental run with a deletion', () => {
    expect(parseRsyncStats(fixture('rsync-incremental.txt'))).toMatchObject({ files: 4, filesTransferred: 1, filesDeleted: 1, transferredBytes: 6 });
  });

  it('is null when rsync failed before the statistics', () => {
    expect(parseRsyncStats('rsync: connection unexpectedly closed (0 bytes received so far) [sender]\n')).toBeNull();
  });
});
