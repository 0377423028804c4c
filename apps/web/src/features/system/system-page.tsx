import Stack from '@mui/material/Stack';
import { alertChannelsApi, alertsApi, auditApi, jobsApi, systemApi } from '@moxnas/contracts';
import { useEffect } from 'react';
import { useLocation } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { useCan } from '../../lib/auth';
import { AlertChannelsCard } from './components/alert-channels-card';
import { AlertsCard } from './components/alerts-card';
import { AuditLog } from './components/audit-log';
import { CapabilitiesCard } from './components/capabilities-card';
import { ConfigBackupCard } from './components/config-backup-card';
import { JobsTable } from './components/jobs-table';
import { SystemInfoCard } from './components/system-info-card';

export function SystemPage() {
  const canSeeInfo = useCan(systemApi.info);
  const canSeeAlerts = useCan(alertsApi.list);
  const canSeeJobs = useCan(jobsApi.list);
  const canSeeAudit = useCan(auditApi.list);
  const canBackup = useCan(systemApi.configExport);
  const canSeeChannels = useCan(alertChannelsApi.list);
  const { hash } = useLocation();

  // Links such as /system#alerts land on their section.
  useEffect(() => {
    if (hash) document.getElementById(hash.slice(1))?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [hash]);

  return (
    <>
      <PageHeader title="System" description="The box itself: facts, what it can do, alerts, jobs, the audit log and configuration backup." />
      <Stack spacing={3}>
        {canSeeInfo && <SystemInfoCard />}
        {canSeeAlerts && <AlertsCard />}
        {canSeeChannels && <AlertChannelsCard />}
        {canSeeInfo && <CapabilitiesCard />}
        {canSeeJobs && <JobsTable />}
        {canSeeAudit && <AuditLog />}
        {canBackup && <ConfigBackupCard />}
      </Stack>
    </>
  );
}
