import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch } from '../../testing/fetch-mock';
import { adminUser, renderPage } from '../../testing/render';
import { SystemPage } from './system-page';

const empty = { items: [], total: 0, page: 1, pageSize: 20 };
const routes = {
  'GET /api/system/info': () => json(503, { statusCode: 503, code: 'UNAVAILABLE', message: 'not in this test', requestId: 'r' }),
  'GET /api/system/capabilities': () => json(200, { checkedAt: '2025-01-01T00:00:00Z', container: { type: 'lxc', privileged: false, reason: 'x' }, root: true, entries: [] }),
  'GET /api/system/alerts': () => json(200, empty),
  'GET /api/system/jobs': () => json(200, empty),
  'GET /api/system/audit': () => json(200, empty),
  'GET /api/system/alert-channels': () => json(200, []),
};

describe('SystemPage', () => {
  it('hides admin-only sections from viewers', async () => {
    const api = mockFetch(routes);
    renderPage(<SystemPage />, { path: '/system', user: { ...adminUser, role: 'viewer' } });
    expect(await screen.findByRole('region', { name: 'Alerts' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Audit log' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Notification channels' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Configuration backup' })).toBeNull();
    expect(api.to('GET', '/api/system/audit')).toHaveLength(0);
  });

  it('adds a webhook channel: only the webhook branch of the contract is sent', async () => {
    const api = mockFetch({ ...routes, 'POST /api/system/alert-channels': () => json(201, {}) });
    const user = userEvent.setup();
    renderPage(<SystemPage />, { path: '/system', user: adminUser });
    const card = await screen.findByRole('region', { name: 'Notification channels' });
    await user.click(await within(card).findByRole('button', { name: 'Add channel' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add notification channel' });
    await user.type(within(dialog).getByLabelText(/^Name/), 'ops chat');
    await user.type(within(dialog).getByLabelText(/^URL/), 'https://hooks.example/moxnas');
    await user.type(within(dialog).getByLabelText(/Signing secret/), 'short');
    await user.click(within(dialog).getByRole('button', { name: 'Add channel' }));
    expect(await within(dialog).findByText('must be at least 16 characters')).toBeTruthy();
    await user.type(within(dialog).getByLabelText(/Signing secret/), '-but-long-enough-now');
    await user.click(within(dialog).getByRole('button', { name: 'Add channel' }));
    await waitFor(() => expect(api.to('POST', '/api/system/alert-channels')).toHaveLength(1));
    expect(api.to('POST', '/api/system/alert-channels')[0].body).toEqual({
      type: 'webhook',
      name: 'ops chat',
      enabled: true,
      minSeverity: 'warning',
      webhook: { url: 'https://hooks.example/moxnas', secret: 'short-but-long-enough-now', timeoutSeconds: 10 },
    });
  });
  it('marks dry runs in the audit log, so they do not read like real changes', async () => {
    const entry = (id: string, dryRun: boolean) => ({
      id, at: '2025-01-01T00:00:00Z', actorId: null, actor: 'admin', authMethod: 'session', sessionId: null, tokenId: null, sourceIp: null, requestId: id,
      action: 'services.updateSettings', method: 'PUT', path: '/api/services/ftp/settings', target: 'service:ftp', before: null, after: null, result: 'success', status: 200, dryRun, message: null,
    });
    mockFetch({ ...routes, 'GET /api/system/audit': () => json(200, { items: [entry('dry', true), entry('real', false)], total: 2, page: 1, pageSize: 25 }) });
    renderPage(<SystemPage />, { path: '/system', user: adminUser });
    const table = await screen.findByRole('table', { name: 'Audit entries' });
    const rows = await within(table).findAllByRole('row', { expanded: false });
    expect(within(rows[0]).getByText('dry run')).toBeTruthy();
    expect(within(rows[1]).queryByText('dry run')).toBeNull();
  });
});
