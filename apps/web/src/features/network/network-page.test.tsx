import type { DnsSettings, HostnameSettings } from '@moxnas/contracts';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, json, mockFetch } from '../../testing/fetch-mock';
import { adminUser, renderPage } from '../../testing/render';
import { NetworkPage } from './network-page';

const dns: DnsSettings = {
  nameservers: ['192.0.2.53'],
  search: ['home.lan'],
  options: [],
  access: { writable: true, reason: null, fix: null, path: '/etc/resolv.conf' },
};
const hostname: HostnameSettings = {
  hostname: 'nas',
  configured: 'nas',
  access: {
    writable: false,
    reason: 'Proxmox manages /etc/hostname in this container.',
    fix: 'touch /etc/.pve-ignore.hostname',
    path: '/etc/hostname',
  },
};
const routes = {
  'GET /api/network/interfaces': () => json(200, []),
  'GET /api/network/dns': () => json(200, dns),
  'GET /api/network/hostname': () => json(200, hostname),
  'GET /api/network/bindings': () =>
    json(200, { smb: { interfaces: [], allInterfaces: true }, ftp: { listenAddress: null, allInterfaces: true }, source: 'defaults' }),
};

describe('NetworkPage', () => {
  it('shows a host-owned setting read-only, with the reason and the fix', async () => {
    mockFetch(routes);
    renderPage(<NetworkPage />, { path: '/network', user: adminUser });
    const card = await screen.findByRole('region', { name: 'Host name' });
    expect(await within(card).findByText('Proxmox manages /etc/hostname in this container.')).toBeTruthy();
    expect(card.textContent).toContain('touch /etc/.pve-ignore.hostname');
    expect(within(card).queryByRole('button', { name: 'Change' })).toBeNull();
  });

  it('edits DNS with the contract rules and puts the API’s errors on the right box', async () => {
    const api = mockFetch({
      ...routes,
      'PUT /api/network/dns': () =>
        apiError(422, 'VALIDATION_FAILED', 'Input failed validation.', { requestId: 'req-dns', errors: [{ field: 'nameservers.1', message: 'does not answer DNS queries' }] }),
    });
    const user = userEvent.setup();
    renderPage(<NetworkPage />, { path: '/network', user: adminUser });
    const card = await screen.findByRole('region', { name: 'DNS' });
    await user.click(await within(card).findByRole('button', { name: 'Change' }));
    const dialog = await screen.findByRole('dialog', { name: 'DNS servers' });

    await user.type(within(dialog).getByLabelText('Name server 2'), 'not-an-ip');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(api.to('PUT', '/api/network/dns')).toHaveLength(0);
    expect(within(dialog).getByLabelText('Name server 2').getAttribute('aria-invalid')).toBe('true');

    await user.clear(within(dialog).getByLabelText('Name server 2'));
    await user.type(within(dialog).getByLabelText('Name server 2'), '192.0.2.54');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('does not answer DNS queries')).toBeTruthy();
    expect(within(dialog).getByTestId('request-id').textContent).toBe('req-dns');
    // Blank boxes are left out; the search line becomes a list.
    expect(api.to('PUT', '/api/network/dns')[0].body).toEqual({ nameservers: ['192.0.2.53', '192.0.2.54'], search: ['home.lan'] });
  });
});
