import type { AclDryRun, PathAcl } from '@moxnas/contracts';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, json, mockFetch } from '../../testing/fetch-mock';
import { datasetFixture } from '../../testing/fixtures';
import { adminUser, renderPage } from '../../testing/render';
import { StoragePage } from './storage-page';

const poolId = '00000000-0000-4000-8000-0000000000b1';
const media = datasetFixture({ poolId, group: { gid: 100, name: 'users' }, mode: '0770' });
const aclPath = `/api/storage/datasets/${media.id}/acl`;
const rootAcl: PathAcl = {
  datasetId: media.id,
  path: '/mnt/tank/media',
  relativePath: '',
  type: 'directory',
  owner: { uid: 0, name: 'root' },
  group: { gid: 100, name: 'users' },
  mode: '0770',
  access: [
    { tag: 'user', id: null, name: 'root', perms: 'rwx' },
    { tag: 'user', id: 1000, name: 'alice', perms: 'r-x' },
    { tag: 'group', id: null, name: 'users', perms: 'rwx' },
    { tag: 'mask', id: null, name: null, perms: 'rwx' },
    { tag: 'other', id: null, name: null, perms: '---' },
  ],
  default: [],
};
const dryRun: AclDryRun = {
  dryRun: true,
  path: '/mnt/tank/media/photos',
  changes: [{ entry: 'user:1000', before: 'r-x', after: 'rwx' }],
  below: { entries: 42, directories: 2, files: 40, sample: ['2024/a.jpg'] },
};

const storageRoutes = {
  'GET /api/storage/pools': () => json(200, []),
  'GET /api/storage/datasets': () => json(200, [media]),
};

async function openAcl() {
  const user = userEvent.setup();
  renderPage(<StoragePage />, { path: '/storage?tab=datasets', user: adminUser });
  await user.click(await screen.findByRole('button', { name: 'ACL of ?/media' }));
  return user;
}

/** The dialog once it shows `text` (the loading dialog gives way to the editor). */
async function dialogWith(text: string | RegExp) {
  await screen.findByText(text);
  return screen.getByRole('dialog', { name: 'ACL of ?/media' });
}

describe('ACL editor', () => {
  it('loads a folder’s ACL, edits an entry, previews the changes and applies the previewed body', async () => {
    const api = mockFetch({
      ...storageRoutes,
      [`GET ${aclPath}`]: (req) => json(200, req.path.includes('path=photos') ? { ...rootAcl, path: '/mnt/tank/media/photos', relativePath: 'photos' } : rootAcl),
      [`PUT ${aclPath}`]: (req) => (req.path.includes('dryRun=true') ? json(200, dryRun) : json(200, { id: '00000000-0000-4000-8000-00000000j001', type: 'dataset.acl', state: 'queued' })),
    });
    const user = await openAcl();
    const dialog = await dialogWith(/user:alice \(1000\)/);

    await user.type(within(dialog).getByLabelText('Path inside the dataset'), 'photos{Enter}');
    const sub = await dialogWith('/mnt/tank/media/photos');
    expect(api.to('GET', aclPath).at(-1)?.path).toContain('path=photos');

    await user.click(within(sub).getByLabelText('Entry 1 write'));
    await user.click(within(sub).getByLabelText('Also apply to everything below'));
    await user.click(within(sub).getByRole('button', { name: 'Preview' }));
    const review = await screen.findByRole('dialog', { name: 'ACL of ?/media: review changes' });
    const row = within(within(review).getByRole('table', { name: 'ACL changes' })).getByText('user:1000').closest('tr');
    expect(row?.textContent).toContain('r-x');
    expect(row?.textContent).toContain('rwx');
    expect(review.textContent).toContain('42 entries below');
    const previewed = api.to('PUT', aclPath)[0];
    expect(previewed.path).toContain('dryRun=true');
    expect(previewed.path).toContain('recursive=true');

    await user.click(within(review).getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText(/progress is on the System page/)).toBeTruthy();
    const applied = api.to('PUT', aclPath)[1];
    expect(applied.path).not.toContain('dryRun');
    expect(applied.path).toContain('path=photos');
    expect(applied.body).toEqual({ entries: [{ tag: 'user', qualifier: 'alice', perms: 'rwx', default: false }, { tag: 'mask', qualifier: null, perms: 'rwx', default: false }] });
  });

  it('adds a group entry and puts the API’s 422 on that row', async () => {
    mockFetch({
      ...storageRoutes,
      [`GET ${aclPath}`]: () => json(200, rootAcl),
      [`PUT ${aclPath}`]: () => apiError(422, 'VALIDATION_FAILED', 'Input failed validation.', { errors: [{ field: 'entries.2.qualifier', message: 'no such group: nosuch' }] }),
    });
    const user = await openAcl();
    const dialog = await dialogWith(/user:alice/);
    await user.click(within(dialog).getByRole('button', { name: 'Add entry' }));
    const row = within(dialog).getByRole('group', { name: 'Entry 3' });
    await user.click(within(row).getByLabelText('Tag'));
    await user.click(await screen.findByRole('option', { name: 'Group' }));
    await user.type(within(row).getByLabelText('Group'), 'nosuch');
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    expect(await within(row).findByText('no such group: nosuch')).toBeTruthy();
  });

  it('shows the API’s message when the pool has no ACL support, not a form', async () => {
    mockFetch({
      ...storageRoutes,
      [`GET ${aclPath}`]: () => apiError(409, 'CONFLICT', 'Pool tank (vfat) has no POSIX ACL support.'),
    });
    await openAcl();
    const dialog = await dialogWith('Pool tank (vfat) has no POSIX ACL support.');
    expect(within(dialog).queryByRole('button', { name: 'Preview' })).toBeNull();
    expect(within(dialog).queryByRole('button', { name: 'Add entry' })).toBeNull();
  });
});

describe('Dataset row actions', () => {
  it('deletes a dataset keeping its data, after asking', async () => {
    const api = mockFetch({ ...storageRoutes, [`DELETE /api/storage/datasets/${media.id}`]: () => json(202, { id: '00000000-0000-4000-8000-00000000a001' }) });
    const user = userEvent.setup();
    renderPage(<StoragePage />, { path: '/storage?tab=datasets', user: adminUser });
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete dataset?' });
    expect(dialog.textContent).toContain('dataset ?/media');
    await user.click(within(dialog).getByLabelText('Keep the data on disk'));
    expect(dialog.textContent).toContain('its directory and snapshots stay on disk');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText(/Deleting media; progress is on the System page/)).toBeTruthy();
    expect(api.to('DELETE', `/api/storage/datasets/${media.id}`)[0].path).toContain('keepData=true');
  });
});
