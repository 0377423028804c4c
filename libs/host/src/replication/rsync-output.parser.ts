/**
 * Parsers for what `rsync --info=progress2 --stats` prints: the progress line it rewrites with
 * `\r` while it runs, and the statistics block at the end. Numbers carry thousands separators
 * (`1,015,808`) in the C.UTF-8 locale the command runner sets.
 */

export interface RsyncProgress {
  /** Bytes of file data moved so far in this run (the first figure of the progress2 line). */
  bytes: number;
  /** Percent of the whole transfer, as rsync estimates it. */
  percent: number;
  /** Files transferred so far (`xfr#N`); 0 until the first finished file. */
  files: number;
  /** Files still to check (`to-chk=R/T`: R), and the total files known so far (T). */
  toCheck: number | null;
  totalFiles: number | null;
  /** rsync's own rate figure, in bytes per second. */
  bytesPerSecond: number;
}

export interface RsyncStats {
  /** Files, directories and links in the source (`Number of files`). */
  files: number;
  /** `Number of regular files transferred`. */
  filesTransferred: number;
  /** `Number of deleted files` (with --delete). */
  filesDeleted: number;
  /** `Total file size`: bytes of all source files. */
  totalBytes: number;
  /** `Total transferred file size`: bytes of the files that were sent. */
  transferredBytes: number;
  /** `Literal data`: bytes sent as data (the rest was matched on the target). */
  literalBytes: number;
  /** `Total bytes sent` over the connection (data, checksums, file list). */
  sentBytes: number;
  receivedBytes: number;
}

const UNITS: Record<string, number> = { B: 1, kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

const PROGRESS = /^\s*([\d,]+)\s+(\d+)%\s+([\d.,]+)([kKMGT]?B)\/s\s+\d+:\d{2}:\d{2}(?:\s+\(xfr#(\d+), (?:to-chk|ir-chk)=(\d+)\/(\d+)\))?\s*$/;

function num(text: string): number {
  return Number(text.replace(/,/g, ''));
}

/** One progress2 line, or null when the text is not one. */
export function parseRsyncProgressLine(line: string): RsyncProgress | null {
  const m = PROGRESS.exec(line);
  if (!m) return null;
  return {
    bytes: num(m[1]),
    percent: Number(m[2]),
    bytesPerSecond: Math.round(num(m[3]) * (UNITS[m[4]] ?? 1)),
    files: m[5] ? Number(m[5]) : 0,
    toCheck: m[6] ? Number(m[6]) : null,
    totalFiles: m[7] ? Number(m[7]) : null,
  };
}

/**
 * Feeds stdout chunks as they arrive and reports each complete progress line. Chunks may split a
 * line anywhere; lines end with `\r` (progress) or `\n` (everything else).
 */
export class RsyncProgressReader {
  private buffer = '';
  private last: RsyncProgress | null = null;

  /** The newest progress in `chunk` (or null when it completed no progress line). */
  feed(chunk: string): RsyncProgress | null {
    this.buffer += chunk;
    const parts = this.buffer.split(/[\r\n]/);
    this.buffer = parts.pop() ?? '';
    // A runaway line without separators must not grow without bound.
    if (this.buffer.length > 4096) this.buffer = this.buffer.slice(-4096);
    let newest: RsyncProgress | null = null;
    for (const part of parts) {
      const p = parseRsyncProgressLine(part);
      if (p) newest = p;
    }
    if (newest) this.last = newest;
    return newest;
  }

  /** The last progress line seen. */
  get latest(): RsyncProgress | null {
    return this.last;
  }
}

const STAT_LINES: Array<[keyof RsyncStats, RegExp]> = [
  ['files', /^Number of files: ([\d,]+)/m],
  ['filesTransferred', /^Number of regular files transferred: ([\d,]+)/m],
  ['filesDeleted', /^Number of deleted files: ([\d,]+)/m],
  ['totalBytes', /^Total file size: ([\d,]+) bytes/m],
  ['transferredBytes', /^Total transferred file size: ([\d,]+) bytes/m],
  ['literalBytes', /^Literal data: ([\d,]+) bytes/m],
  ['sentBytes', /^Total bytes sent: ([\d,]+)/m],
  ['receivedBytes', /^Total bytes received: ([\d,]+)/m],
];

/** The `--stats` block of a finished run, or null when the output has none (rsync failed early). */
export function parseRsyncStats(output: string): RsyncStats | null {
  const text = output.replace(/\r/g, '\n');
  const stats: Partial<RsyncStats> = {};
  for (const [key, re] of STAT_LINES) {
    const m = re.exec(text);
    if (!m) return null;
    stats[key] = num(m[1]);
  }
  return stats as RsyncStats;
}
