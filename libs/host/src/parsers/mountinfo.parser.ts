export interface MountInfoEntry {
  mountId: number;
  parentId: number;
  major: number;
  minor: number;
  /** Path inside the source file system that is mounted (not `/` for bind mounts of a subdirectory). */
  root: string;
  mountPoint: string;
  /** Per-mount options, for example `['rw', 'relatime']`. */
  mountOptions: string[];
  /** Optional fields such as `shared:1`, `master:2`. */
  optionalFields: string[];
  fsType: string;
  source: string;
  /** Per-superblock options. */
  superOptions: string[];
}

/** The kernel escapes space, tab, newline and backslash in mountinfo paths as octal (`\040`). */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/**
 * Parses /proc/self/mountinfo (proc(5)):
 * `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`.
 * Lines that do not have that shape are skipped rather than failing the whole list.
 */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const fields = line.split(' ');
    const sep = fields.indexOf('-', 6);
    if (sep === -1 || fields.length < sep + 3) continue;
    const [id, parent, devno, root, mountPoint, options] = fields;
    const dev = /^(\d+):(\d+)$/.exec(devno);
    if (!dev || !/^\d+$/.test(id) || !/^\d+$/.test(parent)) continue;
    entries.push({
      mountId: Number(id),
      parentId: Number(parent),
      major: Number(dev[1]),
      minor: Number(dev[2]),
      root: unescapeMountField(root),
      mountPoint: unescapeMountField(mountPoint),
      mountOptions: options.split(','),
      optionalFields: fields.slice(6, sep),
      fsType: unescapeMountField(fields[sep + 1]),
      source: unescapeMountField(fields[sep + 2]),
      superOptions: (fields[sep + 3] ?? '').split(',').filter(Boolean),
    });
  }
  return entries;
}
