import PublicIcon from '@mui/icons-material/Public';
import { ftpSharesApi, type FtpShare, type FtpShareListQuery } from '@moxnas/contracts';
import { useFtpShares, useRemoveFtpShare } from '../api/shares';
import { FtpShareCreateDialog, FtpShareEditDialog } from './ftp-share-dialog';
import { namesSummary, OptionChip } from './share-chips';
import { hiddenOnPhones, nameColumn, pathColumn, SharesTab, statusColumn } from './shares-tab';

const KIND = { one: 'FTP share', many: 'FTP shares', others: 'shares' };

export function FtpTab() {
  return (
    <SharesTab<FtpShare, FtpShareListQuery['sort']>
      endpoints={ftpSharesApi}
      kind={KIND}
      icon={<PublicIcon />}
      emptyHint="An FTP share makes a directory of a pool the FTP root of the users and groups you pick (users need FTP access turned on, on the Users page)."
      defaultSort="name"
      useShares={useFtpShares}
      useRemove={useRemoveFtpShare}
      nameOf={(s) => s.name}
      titleOf={(s) => `FTP share “${s.name}”`}
      CreateDialog={FtpShareCreateDialog}
      EditDialog={FtpShareEditDialog}
      columns={(list) => [
        nameColumn(list),
        pathColumn(list),
        statusColumn((s) => (
          <>
            {s.writeEnable ? <OptionChip label="read-write" hint="Users may upload, rename and delete" /> : <OptionChip label="read-only" hint="Users may only download" />}
            {s.anonymous && <OptionChip label="anonymous" color="warning" hint="Anyone may read it without a login" />}
            {!s.chroot && <OptionChip label="not chrooted" color="warning" hint="Users may browse the whole file system" />}
          </>
        )),
        { ...hiddenOnPhones, id: 'users', header: 'Users', cell: (s) => namesSummary(s.allowedUsers, s.allowedGroups, s.anonymous ? 'anonymous only' : 'nobody yet') },
      ]}
    />
  );
}
