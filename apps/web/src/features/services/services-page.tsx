import DnsIcon from '@mui/icons-material/Dns';
import Grid from '@mui/material/Grid';
import { allows, servicesApi, type ServiceId, type ServiceStatus } from '@moxnas/contracts';
import { useMemo, useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState } from '../../components/empty-state';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { PageLoader } from '../../components/page-loader';
import { useAuth, useCan } from '../../lib/auth';
import { actionContract, useControlService, useServices, type ServiceAction } from './api/services';
import { RevisionsDialog } from './components/revisions-dialog';
import { ServiceCard } from './components/service-card';
import { SettingsDialog } from './components/settings-dialog';

const ALL_ACTIONS: readonly ServiceAction[] = ['start', 'stop', 'restart', 'reload', 'enable', 'disable'];

/** Actions that interrupt clients ask first; the others run at once. */
const CONFIRM: Partial<Record<ServiceAction, { title: string; verb: string; consequences: string }>> = {
  stop: { title: 'Stop service?', verb: 'Stop', consequences: 'Connected clients are disconnected and its shares are unreachable until it is started again.' },
  restart: { title: 'Restart service?', verb: 'Restart', consequences: 'Connected clients are disconnected for a moment; open file transfers may fail.' },
};

export function ServicesPage() {
  const { user } = useAuth();
  const services = useServices();
  const control = useControlService();
  const [pending, setPending] = useState<{ id: ServiceId; action: ServiceAction } | null>(null);
  const [confirming, setConfirming] = useState<{ service: ServiceStatus; action: ServiceAction } | null>(null);
  const [revisionsOf, setRevisionsOf] = useState<ServiceStatus | null>(null);
  const [settingsOf, setSettingsOf] = useState<ServiceStatus | null>(null);
  const canEditSettings = useCan(servicesApi.updateSettings);
  const allowed = useMemo(() => new Set(ALL_ACTIONS.filter((a) => allows(actionContract(a).access, user?.role))), [user?.role]);

  const run = (service: ServiceStatus, action: ServiceAction) => {
    setPending({ id: service.id, action });
    control.mutate(
      { id: service.id, action },
      {
        onSuccess: () => setConfirming(null),
        onSettled: () => setPending(null),
      },
    );
  };

  const confirm = confirming ? CONFIRM[confirming.action] : undefined;

  return (
    <>
      <PageHeader title="Services" description="The SMB, NFS and FTP daemons that serve the shares." />
      {control.isError && !confirming && <ErrorAlert error={control.error} title="The service action failed" sx={{ mb: 2 }} />}
      {services.isPending ? (
        <PageLoader />
      ) : services.isError ? (
        <ErrorAlert error={services.error} onRetry={() => void services.refetch()} />
      ) : services.data.length === 0 ? (
        <EmptyState icon={<DnsIcon />} title="No managed services" description="This MoxNAS manages no daemons. Install Samba, vsftpd or nfs-kernel-server in the container and restart MoxNAS." />
      ) : (
        <Grid container spacing={2}>
          {services.data.map((s) => (
            <Grid key={s.id} size={{ xs: 12, md: 6, xl: 4 }}>
              <ServiceCard
                service={s}
                allowed={allowed}
                pendingAction={pending?.id === s.id ? pending.action : null}
                onAction={(action) => {
                  control.reset();
                  if (CONFIRM[action]) setConfirming({ service: s, action });
                  else run(s, action);
                }}
                onRevisions={() => setRevisionsOf(s)}
                onSettings={canEditSettings ? () => setSettingsOf(s) : undefined}
              />
            </Grid>
          ))}
        </Grid>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={confirm?.title ?? ''}
        subject={confirming ? confirming.service.name : ''}
        consequences={confirm?.consequences}
        confirmLabel={confirm?.verb ?? 'Confirm'}
        pending={control.isPending}
        error={control.error}
        onClose={() => {
          setConfirming(null);
          control.reset();
        }}
        onConfirm={() => confirming && run(confirming.service, confirming.action)}
      />
      {revisionsOf && <RevisionsDialog service={revisionsOf} onClose={() => setRevisionsOf(null)} />}
      {settingsOf && <SettingsDialog key={settingsOf.id} service={settingsOf} onClose={() => setSettingsOf(null)} />}
    </>
  );
}
