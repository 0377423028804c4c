import type { ReplicationRun, ReplicationTask } from '@moxnas/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, json, mockFetch } from '../../testing/fetch-mock';
import { datasetFixture } from '../../testing/fixtures';
import { adminUser, renderPage } from '../../testing/render';
import { StoragePage } from './storage-page';

const media = datasetFixture({ previousVersions: { mountpoint: '/mnt/tank/media', snapdir: '.snapshots', format: '@GMT-%Y.%m.%d-%H.%M.%S' } });

const task: ReplicationTask = {
  id: '00000000-0000-4000-8000-0000000000a1',
  name: 'media-to-nas2',
  datasetId: media.id,
  host: 'nas2.lan',
  port: 22,
  user: 'backup',
  remotePath: '/backup/media',
  schedule: null,
  timezone: 'UTC',
  bandwidthLimitKiBps: null,
  deleteOnTarget: false,
  excludes: [],
  enabled: true,
  hostKeys: [{ type: 'ssh-ed25519', fingerprint: 'SHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ' }],
  hostKeysPinnedAt: '2025-01-01T00:00:00Z',
  nextRunAt: null,
  lastRunAt: '2025-01-02T00:00:00Z',
  lastResult: 'failed',
  lastError: 'The host key of nas2.lan has changed since it was pinned: the run was refused.',
  lastSuccessAt: null,
  lastJobId: null,
  running: false,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
};

const run: ReplicationRun = {
  id: '00000000-0000-4000-8000-0000000000c1',
  taskId: task.id,
  jobId: null,
  state: 'succeeded',
  snapshotName: '@GMT-2025.01.01-00.00.00',
  startedAt: '2025-01-01T00:00:00Z',
  finishedAt: '2025-01-01T00:00:10Z',
  durationSeconds: 10,
  filesTotal: 12,
  filesTransferred: 3,
  filesDeleted: 0,
  bytesTotal: 4096,
  bytesTransferred: 2048,
  bytesSent: 2100,
  bytesPerSecond: 210,
  error: null,
};

const routes = {
  'GET /api/storage/datasets': () => json(200, [media]),
  'GET /api/storage/pools': () => json(200, []),
  'GET /api/storage/replication/public-key': () => json(200, { publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMq moxnas-replication', type: 'ssh-ed25519', fingerprint: 'SHA256:key' }),
};

describe('Replication tab', () => {
  it('shows the public key, the target and the last error, the run history, and runs a task', async () => {
    const api = mockFetch({
      ...routes,
      'GET /api/storage/replication-tasks': () => json(200, [task]),
      [`GET /api/storage/replication-tasks/${task.id}/runs`]: () => json(200, { items: [run], total: 1, page: 1, pageSize: 20 }),
      [`POST /api/storage/replication-tasks/${task.id}/run`]: () => json(202, { job: { id: '00000000-0000-4000-8000-0000000000f1' }, run }),
    });
    const user = userEvent.setup();
    renderPage(<StoragePage />, { path: '/storage?tab=replication', user: adminUser });
    const key = await screen.findByRole('region', { name: 'Replication public key' });
    await waitFor(() => expect(key.textContent).toContain('moxnas-replication'));
    expect(await screen.findByText('backup@nas2.lan:/backup/media')).toBeTruthy();
    expect(screen.getByText(/has changed since it was pinned/)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Runs' }));
    const dialog = await screen.findByRole('dialog', { name: 'Runs of “media-to-nas2”' });
    expect(await within(dialog).findByText('3 of 12')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));

    await user.click(screen.getByRole('button', { name: 'Run now' }));
    await waitFor(() => expect(api.to('POST', `/api/storage/replication-tasks/${task.id}/run`)).toHaveLength(1));
    expect(await screen.findByText(/is running; follow or cancel it under System → Jobs/)).toBeTruthy();
  });

  it('adds a task: the grammar is checked before sending and the API’s errors land on the fields', async () => {
    const api = mockFetch({
      ...routes,
      'GET /api/storage/replication-tasks': () => json(200, []),
      'POST /api/storage/replication-tasks': () => apiError(422, 'VALIDATION_FAILED', 'Input failed validation.', { requestId: 'req-repl', errors: [{ field: 'datasetId', message: 'no such dataset' }] }),
    });
    const user = userEvent.setup();
    renderPage(<StoragePage />, { path: '/storage?tab=replication', user: adminUser });
    await user.click(await screen.findByRole('button', { name: 'Add replication' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add replication task' });
    await user.type(within(dialog).getByLabelText(/Name/), 'media-to-nas2');
    await user.type(within(dialog).getByLabelText(/Target host/), 'nas2.lan');
    await user.type(within(dialog).getByLabelText(/^User/), 'backup');
    await user.type(within(dialog).getByLabelText(/Remote path/), 'backup/media');
    await user.click(within(dialog).getByRole('button', { name: 'Add replication' }));
    expect(await within(dialog).findByText(/must be an absolute path on the target/)).toBeTruthy();
    expect(api.to('POST', '/api/storage/replication-tasks')).toHaveLength(0);

    const remote = within(dialog).getByLabelText(/Remote path/);
    await user.clear(remote);
    await user.type(remote, '/backup/media');
    await user.click(within(dialog).getByRole('button', { name: 'Add replication' }));
    expect(await within(dialog).findByText('no such dataset')).toBeTruthy();
    expect(api.to('POST', '/api/storage/replication-tasks')[0].body).toMatchObject({ name: 'media-to-nas2', host: 'nas2.lan', port: 22, user: 'backup', remotePath: '/backup/media', schedule: null, excludes: [] });
  });
});
