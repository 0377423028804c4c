import type { RetentionPreview, SnapshotTask } from '@moxnas/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, json, mockFetch } from '../../testing/fetch-mock';
import { datasetFixture } from '../../testing/fixtures';
import { adminUser, renderPage } from '../../testing/render';
import { StoragePage } from './storage-page';

const media = datasetFixture();
const task: SnapshotTask = {
  id: '00000000-0000-4000-8000-0000000000e1',
  name: 'hourly-media',
  schedule: '0 * * * *',
  timezone: 'UTC',
  datasetIds: [media.id],
  retention: { hourly: 24, daily: 7, weekly: 0, monthly: 0, yearly: 0 },
  enabled: true,
  nextRunAt: null,
  lastRunAt: null,
  lastResult: null,
  lastError: null,
  lastJobId: null,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
};
const snap = (n: number, keptBy: string[]) => ({ id: `00000000-0000-4000-8000-00000000f00${n}`, datasetId: media.id, name: `auto-${n}`, takenAt: `2025-01-0${n}T00:00:00Z`, keptBy });

describe('Snapshot schedules', () => {
  it('edits a schedule and previews what the typed retention would delete before saving it', async () => {
    const previews: RetentionPreview[] = [];
    const api = mockFetch({
      'GET /api/storage/snapshot-tasks': () => json(200, [task]),
      'GET /api/storage/datasets': () => json(200, [media]),
      'GET /api/storage/pools': () => json(200, []),
      [`GET /api/storage/snapshot-tasks/${task.id}/retention-preview`]: (req) => {
        const daily = new URLSearchParams(req.path.split('?')[1]).get('daily');
        const preview: RetentionPreview =
          daily === '1'
            ? { at: '2025-01-04T00:00:00Z', retention: { ...task.retention, daily: 1 }, keep: [snap(3, ['daily 2025-01-03'])], delete: [snap(1, []), snap(2, [])] }
            : { at: '2025-01-04T00:00:00Z', retention: task.retention, keep: [snap(1, ['daily']), snap(2, ['daily']), snap(3, ['daily'])], delete: [] };
        previews.push(preview);
        return json(200, preview);
      },
      [`PATCH /api/storage/snapshot-tasks/${task.id}`]: (req) => json(200, { ...task, ...(req.body as object) }),
    });
    const user = userEvent.setup();
    renderPage(<StoragePage />, { path: '/storage?tab=schedules', user: adminUser });
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit schedule “hourly-media”' });
    const region = await within(dialog).findByRole('region', { name: 'Retention preview' });
    await waitFor(() => expect(region.textContent).toContain('keep 3, delete 0 of 3'));

    const daily = within(dialog).getByLabelText('Daily');
    await user.clear(daily);
    await user.type(daily, '1');
    await waitFor(() => expect(within(dialog).getByRole('region', { name: 'Retention preview' }).textContent).toContain('keep 1, delete 2 of 3'));
    expect(within(dialog).getByRole('region', { name: 'Retention preview' }).textContent).toContain('media@auto-1');
    const asked = api.to('GET', `/api/storage/snapshot-tasks/${task.id}/retention-preview`).at(-1);
    expect(asked?.path).toContain('daily=1');
    expect(asked?.path).toContain('hourly=24');
    // Nothing is saved by previewing.
    expect(api.to('PATCH', `/api/storage/snapshot-tasks/${task.id}`)).toHaveLength(0);

    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.to('PATCH', `/api/storage/snapshot-tasks/${task.id}`)).toHaveLength(1));
    expect(api.to('PATCH', `/api/storage/snapshot-tasks/${task.id}`)[0].body).toMatchObject({ name: 'hourly-media', retention: { hourly: 24, daily: 1 } });
  });

  it('adds a schedule: the cron rule is checked before sending and the API’s errors land on the fields', async () => {
    const api = mockFetch({
      'GET /api/storage/snapshot-tasks': () => json(200, []),
      'GET /api/storage/datasets': () => json(200, [media]),
      'GET /api/storage/pools': () => json(200, []),
      'POST /api/storage/snapshot-tasks': () =>
        apiError(422, 'VALIDATION_FAILED', 'Input failed validation.', { requestId: 'req-task', errors: [{ field: 'datasetIds', message: 'must name at least one dataset' }] }),
    });
    const user = userEvent.setup();
    renderPage(<StoragePage />, { path: '/storage?tab=schedules', user: adminUser });
    await user.click(await screen.findByRole('button', { name: 'Add schedule' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add snapshot schedule' });
    expect(dialog.textContent).toContain('A new schedule has no snapshots yet');
    await user.type(within(dialog).getByLabelText(/Name/), 'nightly');
    const cron = within(dialog).getByLabelText('Schedule (cron)');
    await user.clear(cron);
    await user.type(cron, '0 0 * *');
    await user.click(within(dialog).getByRole('button', { name: 'Add schedule' }));
    expect(await within(dialog).findByText(/must have 5 fields/)).toBeTruthy();
    expect(api.to('POST', '/api/storage/snapshot-tasks')).toHaveLength(0);

    await user.click(within(dialog).getByRole('button', { name: 'Daily at midnight' }));
    // The contract also wants a dataset; leave it out so the API's answer is shown on the field.
    await user.click(within(dialog).getByRole('button', { name: 'Add schedule' }));
    expect(await within(dialog).findByText('must name at least one dataset')).toBeTruthy();
  });
});
