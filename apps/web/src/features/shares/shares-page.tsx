import { NotAvailable } from '../../components/not-available';
import { PageHeader } from '../../components/page-header';

export function SharesPage() {
  return (
    <>
      <PageHeader title="Shares" description="SMB, NFS and FTP shares." />
      <NotAvailable
        feature="Share management"
        endpoints={['/api/shares/smb', '/api/shares/nfs', '/api/shares/ftp']}
        plans="This page will list the SMB, NFS and FTP shares and let you create and edit them, with a review of the configuration changes before they are applied."
      />
    </>
  );
}
