import InputIcon from '@mui/icons-material/Input';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { sharesApi, type SharesSummary } from '@moxnas/contracts';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { useCan } from '../../lib/auth';
import { useSharesSummary } from './api/shares';
import { ApplyNotice, type Outcome } from './components/apply-outcome';
import { FtpTab } from './components/ftp-tab';
import { ImportDialog } from './components/import-dialog';
import { NfsTab } from './components/nfs-tab';
import { SmbTab } from './components/smb-tab';

const TABS = ['smb', 'nfs', 'ftp'] as const;
type TabId = (typeof TABS)[number];
const LABELS: Record<TabId, string> = { smb: 'SMB', nfs: 'NFS', ftp: 'FTP' };

const tabLabel = (tab: TabId, summary: SharesSummary | undefined) => (summary ? `${LABELS[tab]} (${summary[tab].total})` : LABELS[tab]);

export function SharesPage() {
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: TabId = TABS.find((t) => t === requested) ?? 'smb';
  const summary = useSharesSummary();
  const canImport = useCan(sharesApi.import);
  const [importing, setImporting] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  return (
    <>
      <PageHeader
        title="Shares"
        description="Directories of the pools, served over SMB (Windows, macOS), NFS (Linux) and FTP. Every change shows the configuration diff before it is applied."
        actions={
          canImport && (
            <Button variant="outlined" startIcon={<InputIcon />} onClick={() => setImporting(true)}>
              Import
            </Button>
          )
        }
      />
      {outcome && <ApplyNotice outcome={outcome} onClose={() => setOutcome(null)} />}
      <Box sx={{ borderBottom: 1, borderColor: 'divider', mb: 2 }}>
        <Tabs value={tab} onChange={(_, next: TabId) => setParams(next === 'smb' ? {} : { tab: next }, { replace: true })} aria-label="Share protocols">
          {TABS.map((t) => (
            <Tab key={t} value={t} label={tabLabel(t, summary.data)} />
          ))}
        </Tabs>
      </Box>
      {tab === 'smb' && <SmbTab />}
      {tab === 'nfs' && <NfsTab />}
      {tab === 'ftp' && <FtpTab />}
      {importing && (
        <ImportDialog
          onClose={() => setImporting(false)}
          onImported={(report) => {
            setImporting(false);
            const { smb, nfs, ftp } = report.created;
            setOutcome({ text: `Imported ${smb} SMB, ${nfs} NFS and ${ftp} FTP share${smb + nfs + ftp === 1 ? '' : 's'}.`, applies: report.apply });
          }}
        />
      )}
    </>
  );
}
