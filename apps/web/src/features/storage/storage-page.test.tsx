import type { Pool } from '@moxnas/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch } from '../../testing/fetch-mock';
import { adminUser, renderPage } from '../../testing/render';
import { StoragePage } from './storage-page';

const cap = { available: true, probed: true, reason: 'ok', fix: null };
const tank: Pool = {
  id: '00000000-0000-4000-8000-0000000000b1',
  name: 'tank',
  description: null,
  path: '/mnt/tank',
  mountPoint: '/mnt/tank',
  fsType: 'ext4',
  source: '/dev/sdb1',
  health: { status: 'online', mounted: true, writable: true, readOnly: false, problems: [], checkedAt: null },
  space: { totalBytes: 100 * 2 ** 30, usedBytes: 85 * 2 ** 30, availableBytes: 15 * 2 ** 30, usedRatio: 0.85 },
  thresholds: { warningPercent: 80, criticalPercent: 90 },
  usageLevel: 'warning',
  capabilities: {
    posixAcl: cap,
    userXattr: cap,
    securityXattr: cap,
    hardLinks: cap,
    reflink: { ...cap, available: false },
    zfsSnapshots: { ...cap, available: false },
    btrfsSnapshots: { ...cap, available: false },
    hardQuota: { ...cap, available: false, kind: null },
  },
  snapshotDriver: 'copy',
  datasetCount: 0,
  refreshedAt: null,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
};

describe('StoragePage', () => {
  it('explains to viewers how pools come about, without a register button', async () => {
    mockFetch({ 'GET /api/storage/pools': () => json(200, []) });
    renderPage(<StoragePage />, { path: '/storage', user: { ...adminUser, role: 'viewer' } });
    expect(await screen.findByText('No pools yet')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Register pool/ })).toBeNull();
  });

  it('shows pool usage against its thresholds, and creates a dataset with the quota in GiB', async () => {
    const api = mockFetch({
      'GET /api/storage/pools': () => json(200, [tank]),
      'GET /api/storage/datasets': () => json(200, []),
      'POST /api/storage/datasets': () => json(201, {}),
    });
    const user = userEvent.setup();
    renderPage(<StoragePage />, { path: '/storage', user: adminUser });
    const pool = await screen.findByRole('region', { name: 'Pool tank' });
    expect(pool.textContent).toContain('85.0 GiB used of 100 GiB');
    expect(pool.textContent).toContain('warns at 80%, critical at 90%');

    await user.click(screen.getByRole('tab', { name: 'Datasets' }));
    await user.click((await screen.findAllByRole('button', { name: 'Create dataset' }))[0]);
    const dialog = await screen.findByRole('dialog', { name: 'Create dataset' });
    expect(dialog.textContent).toContain('Soft quota here');
    await user.type(within(dialog).getByLabelText(/^Name/), 'media');
    await user.type(within(dialog).getByLabelText(/Quota/), '1.5');
    await user.click(within(dialog).getByRole('button', { name: 'Create dataset' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Create dataset' })).toBeNull());
    expect(api.to('POST', '/api/storage/datasets')[0]?.body).toMatchObject({ poolId: tank.id, name: 'media', quotaBytes: 1.5 * 2 ** 30, parentId: null });
  });
});
