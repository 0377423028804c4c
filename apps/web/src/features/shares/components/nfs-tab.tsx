import LanIcon from '@mui/icons-material/Lan';
import { nfsSharesApi, type NfsShare, type NfsShareListQuery } from '@moxnas/contracts';
import { useNfsShares, useRemoveNfsShare } from '../api/shares';
import { SortHeader } from './list-controls';
import { NfsShareCreateDialog, NfsShareEditDialog } from './nfs-share-dialog';
import { OptionChip } from './share-chips';
import { hiddenOnPhones, pathColumn, SharesTab, statusColumn } from './shares-tab';

const KIND = { one: 'NFS export', many: 'NFS exports', others: 'exports' };
const SQUASH_LABEL = { root: 'root squashed', none: 'no root squash', all: 'all squashed' } as const;

function clientsSummary(share: NfsShare): string {
  const shown = share.clients.slice(0, 3).map((c) => `${c.host} (${c.access})`);
  return share.clients.length > 3 ? `${shown.join(', ')} +${share.clients.length - 3}` : shown.join(', ');
}

export function NfsTab() {
  return (
    <SharesTab<NfsShare, NfsShareListQuery['sort']>
      endpoints={nfsSharesApi}
      kind={KIND}
      icon={<LanIcon />}
      emptyHint="Export a directory of a pool to Linux and other Unix clients, and choose which hosts may mount it. In an unprivileged container the export is written but the kernel server may be unavailable; the result says so."
      defaultSort="path"
      useShares={useNfsShares}
      useRemove={useRemoveNfsShare}
      nameOf={(s) => s.path}
      titleOf={(s) => `NFS export ${s.path}`}
      CreateDialog={NfsShareCreateDialog}
      EditDialog={NfsShareEditDialog}
      columns={(list) => [
        pathColumn(list, (s) => s.comment),
        { id: 'clients', header: 'Clients', cell: (s) => clientsSummary(s) },
        statusColumn((s) => (
          <>
            <OptionChip label={SQUASH_LABEL[s.squash]} color={s.squash === 'none' ? 'warning' : 'default'} hint="How remote root and users are mapped" />
            {!s.sync && <OptionChip label="async" color="warning" hint="A server crash can lose acknowledged writes" />}
            {s.security.some((f) => f !== 'sys') && <OptionChip label={s.security.join(', ')} hint="Security flavours" />}
            {s.insecure && <OptionChip label="insecure ports" hint="Accepts client ports above 1023" />}
          </>
        )),
        {
          ...hiddenOnPhones,
          id: 'created',
          header: (
            <SortHeader list={list} field="createdAt">
              Created
            </SortHeader>
          ),
          cell: (s) => new Date(s.createdAt).toLocaleDateString(),
        },
      ]}
    />
  );
}
