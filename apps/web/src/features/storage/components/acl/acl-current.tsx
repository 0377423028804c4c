import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { PathAcl, PathAclEntry } from '@moxnas/contracts';

/** `user:alice`, `group::` (owning group, staff), `mask::` — as getfacl writes it, with names. */
function entryLabel(e: PathAclEntry): string {
  if (e.tag === 'mask' || e.tag === 'other') return `${e.tag}::`;
  if (e.id === null) return `${e.tag}:: (${e.tag === 'user' ? 'owner' : 'owning group'}${e.name ? ` ${e.name}` : ''})`;
  return `${e.tag}:${e.name ?? e.id}${e.name ? ` (${e.id})` : ''}`;
}

function EntryList({ title, entries }: { title: string; entries: readonly PathAclEntry[] }) {
  return (
    <Box component="section" aria-label={title} sx={{ flex: '1 1 220px', minWidth: 0 }}>
      <Typography variant="subtitle2">{title}</Typography>
      {entries.length === 0 ? (
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          None
        </Typography>
      ) : (
        <Box component="ul" sx={{ m: 0, pl: 0, listStyle: 'none', fontFamily: 'monospace', fontSize: 13 }}>
          {entries.map((e, i) => (
            <li key={i} style={{ overflowWrap: 'anywhere' }}>
              {entryLabel(e)} <strong>{e.perms}</strong>
            </li>
          ))}
        </Box>
      )}
    </Box>
  );
}

/** What the path has now: owner, group, mode, and the access and default ACL as getfacl reads them. */
export function AclCurrent({ acl }: { acl: PathAcl }) {
  return (
    <Box sx={{ mb: 2 }}>
      <Typography variant="body2" sx={{ mb: 1, overflowWrap: 'anywhere' }}>
        <code>{acl.path}</code> ({acl.type}) · owner {acl.owner.name ?? acl.owner.uid}, group {acl.group.name ?? acl.group.gid}, mode <code>{acl.mode}</code>
      </Typography>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        <EntryList title="Access ACL" entries={acl.access} />
        {acl.type === 'directory' && <EntryList title="Default ACL" entries={acl.default} />}
      </Box>
    </Box>
  );
}
