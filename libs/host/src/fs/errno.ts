import os from 'node:os';

/**
 * Errors Node's libuv has no name for, so they reach us as "Unknown system error -N" with
 * `code` set to that text: EDQUOT (a hard quota such as a btrfs qgroup limit or an XFS project
 * quota refused a write) is the one a NAS meets.
 */
const UNNAMED: Readonly<Record<number, { code: string; text: string }>> = {
  [os.constants.errno.EDQUOT]: { code: 'EDQUOT', text: 'disk quota exceeded (EDQUOT)' },
};

/** The error's message, with an errno libuv cannot name spelled out. */
export function errorMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException | null;
  // Not `instanceof Error`: errors from another realm (Node's own, seen from a vm context) fail that.
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const known = typeof e?.errno === 'number' ? UNNAMED[-e.errno] : undefined;
  if (!known) return message;
  const unknown = `Unknown system error ${e?.errno}`;
  return message.includes(unknown) ? message.split(`${unknown}: ${unknown}`).join(known.text).split(unknown).join(known.text) : message;
}

/** The errno name (`EDQUOT`), also for the codes libuv leaves unnamed. */
export function errnoCode(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException | null;
  const known = typeof e?.errno === 'number' ? UNNAMED[-e.errno] : undefined;
  return known?.code ?? e?.code;
}
