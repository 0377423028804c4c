import Button from '@mui/material/Button';
import type { AccessReport } from '@moxnas/contracts';
import { EmptyState } from '../empty-state';
import { ResourceTable } from '../resource-table';
import { AccessChip, PROTOCOLS } from './access-chain';
import { useEveryoneAccess } from './use-effective-access';

/** The reverse listing: each user's level per protocol; a user's name opens their rule chain. */
export function AccessEveryone({ path, onPick }: { path: string; onPick: (user: string) => void }) {
  const everyone = useEveryoneAccess(path, true);
  return (
    <ResourceTable<AccessReport[], AccessReport>
      query={everyone}
      rowKey={(r) => r.user}
      label="Access of every user"
      empty={<EmptyState title="No users" description="MoxNAS has no users to check; add them on the Users page." />}
      columns={[
        {
          id: 'user',
          header: 'User',
          cell: (r) => (
            <Button size="small" onClick={() => onPick(r.user)} aria-label={`Rules for ${r.user}`} sx={{ textTransform: 'none', minWidth: 0, p: 0 }}>
              {r.user}
            </Button>
          ),
        },
        ...PROTOCOLS.map((p) => ({ id: p.key, header: p.label, cell: (r: AccessReport) => <AccessChip level={r[p.key].access} /> })),
      ]}
    />
  );
}
