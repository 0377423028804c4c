import type { ServiceStatus } from '@moxnas/contracts';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, json, mockFetch } from '../../testing/fetch-mock';
import { adminUser, renderPage } from '../../testing/render';
import { ServicesPage } from './services-page';

const smb: ServiceStatus = {
  id: 'smb',
  name: 'SMB (Samba)',
  capability: { available: true, reason: null, fix: null },
  state: 'running',
  pid: 4242,
  uptimeSeconds: 3700,
  startedAt: '2025-01-01T00:00:00Z',
  enabled: true,
  restarts: 0,
  lastExit: null,
  driver: 'process',
  revision: null,
  drift: false,
};
const nfs: ServiceStatus = {
  ...smb,
  id: 'nfs',
  name: 'NFS',
  state: 'unavailable',
  pid: null,
  uptimeSeconds: null,
  capability: { available: false, reason: 'The kernel NFS server is not available in an unprivileged container.', fix: 'pct set 101 --features nfs=1' },
};

describe('ServicesPage', () => {
  it('shows an unavailable daemon with its reason and fix, and no controls to viewers', async () => {
    mockFetch({ 'GET /api/services': () => json(200, [smb, nfs]) });
    renderPage(<ServicesPage />, { path: '/services', user: { ...adminUser, role: 'viewer' } });
    const nfsCard = await screen.findByRole('region', { name: 'NFS' });
    expect(nfsCard.textContent).toContain('not available in an unprivileged container');
    expect(nfsCard.textContent).toContain('pct set 101 --features nfs=1');
    const smbCard = screen.getByRole('region', { name: 'SMB (Samba)' });
    expect(within(smbCard).queryByRole('button', { name: 'Stop' })).toBeNull();
    expect(within(smbCard).getByRole('button', { name: 'Revisions' })).toBeTruthy();
  });

  it('lets operators stop a daemon after naming it, but not change start-at-boot', async () => {
    const api = mockFetch({
      'GET /api/services': () => json(200, [smb]),
      'POST /api/services/smb/stop': () => apiError(503, 'UNAVAILABLE', 'smbd did not stop within 10 s.', { requestId: 'req-stop' }),
    });
    const user = userEvent.setup();
    renderPage(<ServicesPage />, { path: '/services', user: { ...adminUser, role: 'operator' } });
    const card = await screen.findByRole('region', { name: 'SMB (Samba)' });
    expect(within(card).queryByRole('button', { name: /start at boot/i })).toBeNull();
    await user.click(within(card).getByRole('button', { name: 'Stop' }));
    const dialog = await screen.findByRole('dialog', { name: 'Stop service?' });
    expect(dialog.textContent).toContain('You are about to stop SMB (Samba).');
    await user.click(within(dialog).getByRole('button', { name: 'Stop' }));
    expect(await within(dialog).findByText('smbd did not stop within 10 s.')).toBeTruthy();
    expect(within(dialog).getByTestId('request-id').textContent).toBe('req-stop');
    expect(api.to('POST', '/api/services/smb/stop')).toHaveLength(1);
  });

  it('edits SMB settings: previews the dry-run diff per file, applies only the changed field, then shows the outcome', async () => {
    const diff = '--- /etc/samba/smb.conf\n+++ /etc/samba/smb.conf\n@@ -1,2 +1,2 @@\n [global]\n-   workgroup = WORKGROUP\n+   workgroup = OFFICE';
    const apply = (dryRun: boolean) => ({ dryRun, applied: !dryRun, daemon: dryRun ? 'unchanged' : 'reloaded', message: null, diffs: [{ path: '/etc/samba/smb.conf', diff }], revisionIds: [] });
    const api = mockFetch({
      'GET /api/services': () => json(200, [smb]),
      'GET /api/services/smb/settings': () => json(200, { settings: { workgroup: 'WORKGROUP', serverString: 'MoxNAS', netbiosName: null, minProtocol: 'SMB2_10', interfaces: [], port: null }, apply: null }),
      'PUT /api/services/smb/settings': (req) => {
        const dryRun = req.path.includes('dryRun=true');
        return json(200, { settings: { workgroup: 'OFFICE' }, apply: apply(dryRun) });
      },
    });
    const user = userEvent.setup();
    renderPage(<ServicesPage />, { path: '/services', user: adminUser });
    await user.click(within(await screen.findByRole('region', { name: 'SMB (Samba)' })).getByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'SMB (Samba) settings' });
    const workgroup = await within(dialog).findByLabelText('Workgroup');
    await user.clear(workgroup);
    await user.type(workgroup, 'OFFICE');
    await user.click(within(dialog).getByRole('button', { name: 'Preview changes' }));

    const review = await screen.findByRole('dialog', { name: 'Review changes to SMB (Samba)' });
    expect(within(review).getByLabelText('Changes to /etc/samba/smb.conf').textContent).toContain('+   workgroup = OFFICE');
    const puts = api.to('PUT', '/api/services/smb/settings');
    expect(puts).toHaveLength(1);
    expect(puts[0].path).toContain('dryRun=true');
    expect(puts[0].body).toEqual({ workgroup: 'OFFICE' });

    await user.click(within(review).getByRole('button', { name: 'Apply' }));
    const done = await screen.findByRole('dialog', { name: 'SMB (Samba) settings' });
    expect((await within(done).findByRole('status')).textContent).toContain('re-read its configuration');
    const applied = api.to('PUT', '/api/services/smb/settings');
    expect(applied).toHaveLength(2);
    expect(applied[1].path).toContain('dryRun=false');
    expect(applied[1].body).toEqual({ workgroup: 'OFFICE' });
  });

  it('shows the daemon checker’s rejection on the field when the preview fails', async () => {
    mockFetch({
      'GET /api/services': () => json(200, [smb]),
      'GET /api/services/smb/settings': () => json(200, { settings: { workgroup: 'WORKGROUP', serverString: 'MoxNAS', netbiosName: null, minProtocol: 'SMB2_10', interfaces: [], port: null }, apply: null }),
      'PUT /api/services/smb/settings': () =>
        apiError(422, 'VALIDATION_FAILED', 'testparm rejected the configuration.', { requestId: 'req-smb-422', errors: [{ field: 'serverString', message: 'testparm: invalid value' }] }),
    });
    const user = userEvent.setup();
    renderPage(<ServicesPage />, { path: '/services', user: adminUser });
    await user.click(within(await screen.findByRole('region', { name: 'SMB (Samba)' })).getByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'SMB (Samba) settings' });
    const description = await within(dialog).findByLabelText('Server description');
    await user.type(description, ' box');
    await user.click(within(dialog).getByRole('button', { name: 'Preview changes' }));
    expect(await within(dialog).findByText('testparm: invalid value')).toBeTruthy();
    expect(within(dialog).getByTestId('request-id').textContent).toBe('req-smb-422');
  });

  it('hides the settings editor from operators', async () => {
    mockFetch({ 'GET /api/services': () => json(200, [smb]) });
    renderPage(<ServicesPage />, { path: '/services', user: { ...adminUser, role: 'operator' } });
    const card = await screen.findByRole('region', { name: 'SMB (Samba)' });
    expect(within(card).queryByRole('button', { name: 'Settings' })).toBeNull();
  });

  it('rolls back to a revision after showing its dry-run diff', async () => {
    const rev = (id: string, createdAt: string) => ({ id, service: 'smb', path: '/etc/samba/smb.conf', hash: 'h', actor: 'admin', result: 'applied', message: null, jobId: null, createdAt });
    const older = rev('00000000-0000-4000-8000-00000000c001', '2025-01-01T10:00:00Z');
    const newer = rev('00000000-0000-4000-8000-00000000c002', '2025-01-01T11:00:00Z');
    const result = (dryRun: boolean) => ({ dryRun, applied: !dryRun, daemon: dryRun ? 'unchanged' : 'reloaded', message: null, diffs: [{ path: '/etc/samba/smb.conf', diff: '@@ -1 +1 @@\n-   workgroup = OFFICE\n+   workgroup = WORKGROUP' }], revisionIds: [] });
    const api = mockFetch({
      'GET /api/services': () => json(200, [smb]),
      'GET /api/services/smb/revisions': () => json(200, [newer, older]),
      'GET /api/services/smb/diff': () => json(200, { path: '/etc/samba/smb.conf', diff: '' }),
      [`POST /api/services/smb/revisions/${older.id}/rollback`]: (req) => json(200, result(req.path.includes('dryRun=true'))),
    });
    const user = userEvent.setup();
    renderPage(<ServicesPage />, { path: '/services', user: adminUser });
    await user.click(within(await screen.findByRole('region', { name: 'SMB (Samba)' })).getByRole('button', { name: 'Revisions' }));
    const dialog = await screen.findByRole('dialog', { name: /configuration revisions/ });
    const items = await within(dialog).findAllByRole('button', { name: /smb\.conf/ });
    await user.click(items[1]);
    await user.click(within(dialog).getByRole('button', { name: 'Roll back to this' }));
    const panel = await within(dialog).findByRole('region', { name: 'Rollback preview' });
    expect((await within(panel).findByLabelText('Changes to /etc/samba/smb.conf')).textContent).toContain('+   workgroup = WORKGROUP');
    const calls = () => api.to('POST', `/api/services/smb/revisions/${older.id}/rollback`);
    expect(calls()).toHaveLength(1);
    expect(calls()[0].path).toContain('dryRun=true');

    await user.click(within(panel).getByRole('button', { name: 'Apply rollback' }));
    expect((await within(dialog).findByRole('status')).textContent).toContain('Applied');
    expect(calls()).toHaveLength(2);
    expect(calls()[1].path).toContain('dryRun=false');
  });
});
