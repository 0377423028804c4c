import Box from '@mui/material/Box';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { DatasetsTab } from './components/datasets-tab';
import { PoolsTab } from './components/pools-tab';
import { ReplicationTab } from './components/replication-tab';
import { SchedulesTab } from './components/schedules-tab';
import { SnapshotsTab } from './components/snapshots-tab';

const TABS = ['pools', 'datasets', 'snapshots', 'schedules', 'replication'] as const;
type TabId = (typeof TABS)[number];

export function StoragePage() {
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: TabId = TABS.find((t) => t === requested) ?? 'pools';
  return (
    <>
      <PageHeader title="Storage" description="Pools (mounted file systems), the datasets in them, their snapshots and their replication to other hosts." />
      <Box sx={{ borderBottom: 1, borderColor: 'divider', mb: 2 }}>
        <Tabs
          value={tab}
          onChange={(_, next: TabId) => setParams(next === 'pools' ? {} : { tab: next }, { replace: true })}
          aria-label="Storage sections"
          variant="scrollable"
          allowScrollButtonsMobile
        >
          <Tab value="pools" label="Pools" />
          <Tab value="datasets" label="Datasets" />
          <Tab value="snapshots" label="Snapshots" />
          <Tab value="schedules" label="Schedules" />
          <Tab value="replication" label="Replication" />
        </Tabs>
      </Box>
      {tab === 'pools' && <PoolsTab />}
      {tab === 'datasets' && <DatasetsTab />}
      {tab === 'snapshots' && <SnapshotsTab />}
      {tab === 'schedules' && <SchedulesTab />}
      {tab === 'replication' && <ReplicationTab />}
    </>
  );
}
