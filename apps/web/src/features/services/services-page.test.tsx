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
});
