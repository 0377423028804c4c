import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff of one config file in the `git diff` shape (`--- a/etc/samba/smb.conf`,
 * `+++ b/etc/samba/smb.conf`, three lines of context): what dry runs return and revisions show.
 * `before` null = the file does not exist yet; `after` null = it would be removed.
 * Empty string when nothing changes.
 */
export function unifiedDiff(path: string, before: string | null, after: string | null, context = 3): string {
  if (before === after) return '';
  const name = path.replace(/^\/+/, '');
  const patch = createTwoFilesPatch(
    before === null ? '/dev/null' : `a/${name}`,
    after === null ? '/dev/null' : `b/${name}`,
    before ?? '',
    after ?? '',
    undefined,
    undefined,
    { context },
  );
  // Drop the `Index:`/`====` preamble the diff package adds; git and patch(1) do not need it.
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('====') && !l.startsWith('Index: '))
    .join('\n');
}
