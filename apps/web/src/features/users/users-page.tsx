import Box from '@mui/material/Box';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { GroupsTab } from './components/groups-tab';
import { TokensTab } from './components/tokens-tab';
import { UsersTab } from './components/users-tab';

const TABS = ['users', 'groups', 'tokens'] as const;
type TabId = (typeof TABS)[number];

export function UsersPage() {
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: TabId = TABS.find((t) => t === requested) ?? 'users';
  return (
    <>
      <PageHeader title="Users" description="Accounts for the dashboard, SMB and FTP; groups; API tokens for scripts." />
      <Box sx={{ borderBottom: 1, borderColor: 'divider', mb: 2 }}>
        <Tabs value={tab} onChange={(_, next: TabId) => setParams(next === 'users' ? {} : { tab: next }, { replace: true })} aria-label="Users sections">
          <Tab value="users" label="Users" />
          <Tab value="groups" label="Groups" />
          <Tab value="tokens" label="API tokens" />
        </Tabs>
      </Box>
      {tab === 'users' && <UsersTab />}
      {tab === 'groups' && <GroupsTab />}
      {tab === 'tokens' && <TokensTab />}
    </>
  );
}
