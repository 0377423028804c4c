/**
 * Snapshot names are the UTC time in the form Windows "Previous Versions" understands through
 * Samba's shadow_copy2 (`shadow:format = @GMT-%Y.%m.%d-%H.%M.%S`, `shadow:localtime = no`).
 * ZFS forbids `@` inside a snapshot name (it separates dataset and snapshot), so ZFS snapshots drop
 * the leading `@` and the share uses `shadow:format = GMT-%Y.%m.%d-%H.%M.%S`.
 */
export const GMT_FORMAT = '@GMT-%Y.%m.%d-%H.%M.%S';
export const ZFS_GMT_FORMAT = 'GMT-%Y.%m.%d-%H.%M.%S';

const NAME = /^(@?)GMT-(\d{4})\.(\d{2})\.(\d{2})-(\d{2})\.(\d{2})\.(\d{2})$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `@GMT-2024.01.31-23.59.59` (or without `@` for ZFS) for the UTC second of `at`. */
export function snapshotName(at: Date, options: { at?: boolean } = {}): string {
  const prefix = options.at === false ? '' : '@';
  return (
    `${prefix}GMT-${pad(at.getUTCFullYear(), 4)}.${pad(at.getUTCMonth() + 1)}.${pad(at.getUTCDate())}` +
    `-${pad(at.getUTCHours())}.${pad(at.getUTCMinutes())}.${pad(at.getUTCSeconds())}`
  );
}

/** The time a snapshot name stands for, or null when the name is not one of ours. */
export function parseSnapshotName(name: string): Date | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [, , y, mo, d, h, mi, s] = m.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject 2024.02.30 and friends: Date.UTC would roll them over silently.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return date;
}
