import FolderSharedIcon from '@mui/icons-material/FolderShared';
import { smbSharesApi, type SmbShare, type SmbShareListQuery } from '@moxnas/contracts';
import { useRemoveSmbShare, useSmbShares } from '../api/shares';
import { namesSummary, OptionChip } from './share-chips';
import { hiddenOnPhones, nameColumn, pathColumn, SharesTab, statusColumn } from './shares-tab';
import { SmbShareCreateDialog, SmbShareEditDialog } from './smb-share-dialog';

const KIND = { one: 'SMB share', many: 'SMB shares', others: 'shares' };

export function SmbTab() {
  return (
    <SharesTab<SmbShare, SmbShareListQuery['sort']>
      endpoints={smbSharesApi}
      kind={KIND}
      icon={<FolderSharedIcon />}
      emptyHint="Add a share for Windows, macOS and Linux clients: pick a directory in a pool and who may use it. Existing smb.conf shares can be imported."
      defaultSort="name"
      useShares={useSmbShares}
      useRemove={useRemoveSmbShare}
      nameOf={(s) => s.name}
      titleOf={(s) => `SMB share “${s.name}”`}
      CreateDialog={SmbShareCreateDialog}
      EditDialog={SmbShareEditDialog}
      columns={(list) => [
        nameColumn(list, (s) => s.comment),
        pathColumn(list),
        statusColumn((s) => (
          <>
            {s.readOnly && <OptionChip label="read-only" hint="Only the write list may write" />}
            {s.guestOk && <OptionChip label="guest" color="warning" hint="Anyone may connect without a password" />}
            {!s.browseable && <OptionChip label="hidden" hint="Not listed when browsing" />}
            {s.timeMachine && <OptionChip label="Time Machine" color="info" hint={`macOS backups${s.timeMachine.maxSize ? `, up to ${s.timeMachine.maxSize}` : ''}`} />}
            {s.recycleBin && <OptionChip label="recycle bin" hint={s.recycleBin.perUser ? `Deleted files go to ${s.recycleBin.repository}/<user>` : `Deleted files go to ${s.recycleBin.repository}, shared by all users`} />}
            {s.previousVersions && <OptionChip label="previous versions" hint="Snapshots shown as Previous Versions" />}
            {s.audit && <OptionChip label="audit" hint="File operations are logged" />}
          </>
        )),
        { ...hiddenOnPhones, id: 'access', header: 'Who may connect', cell: (s) => namesSummary(s.validUsers, s.validGroups, s.guestOk ? 'everyone (guest)' : 'every user') },
      ]}
    />
  );
}
