import { SMB_RECYCLE_BIN_DEFAULT, SMB_SHARE_DEFAULTS, SmbShareCreate, unknownFields, type ApplyResult, type FtpShare, type SharesSummary, type ShareImportReport, type SmbPreset, type SmbShare } from '@moxnas/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, json, mockFetch, type RecordedRequest } from '../../testing/fetch-mock';
import { adminUser, renderPage } from '../../testing/render';
import { SharesPage } from './shares-page';

const POOL_ID = '00000000-0000-4000-8000-0000000000b1';
const summary: SharesSummary = { smb: { total: 30, enabled: 29 }, nfs: { total: 0, enabled: 0 }, ftp: { total: 0, enabled: 0 } };

function smbShare(i: number, extra: Partial<SmbShare> = {}): SmbShare {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    poolId: POOL_ID,
    poolName: 'tank',
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    // The product's defaults come from the contract's option table, not a copy of them.
    ...SMB_SHARE_DEFAULTS,
    name: `share-${i}`,
    path: `/mnt/tank/share-${i}`,
    ...extra,
  };
}

const apply = (extra: Partial<ApplyResult> = {}): ApplyResult => ({
  dryRun: true,
  applied: false,
  daemon: 'unchanged',
  message: null,
  diffs: [{ path: '/etc/samba/smb.conf', diff: '--- a/smb.conf\n+++ b/smb.conf\n@@ -1,2 +1,5 @@\n [global]\n-   old line\n+[media]\n+   path = /mnt/tank/media' }],
  revisionIds: [],
  ...extra,
});

const presets: SmbPreset[] = [
  { id: 'default', name: 'Default', description: 'Every user may read and write.', options: {} },
  { id: 'time-machine', name: 'Time Machine', description: 'A macOS backup destination.', options: { timeMachine: { maxSize: null }, browseable: false } },
];

/** The routes every shares test needs: counts, pools, names for the pickers, presets. */
const baseRoutes = {
  'GET /api/shares': () => json(200, summary),
  'GET /api/storage/pools': () => json(200, [{ id: POOL_ID, name: 'tank', path: '/mnt/tank' }]),
  'GET /api/users': () => json(200, { items: [], total: 0, page: 1, pageSize: 500 }),
  'GET /api/groups': () => json(200, { items: [], total: 0, page: 1, pageSize: 500 }),
  'GET /api/shares/smb/presets': () => json(200, presets),
  'GET /api/shares/smb': () => json(200, { items: [], total: 0, page: 1, pageSize: 25 }),
};

const query = (req: RecordedRequest) => new URLSearchParams(req.path.split('?')[1] ?? '');

describe('SharesPage', () => {
  it('lists the SMB shares the API returns and pages on the server', async () => {
    const page1 = Array.from({ length: 25 }, (_, i) => smbShare(i + 1));
    const page2 = Array.from({ length: 5 }, (_, i) => smbShare(i + 26, i === 0 ? { enabled: false, guestOk: true } : {}));
    const api = mockFetch({
      ...baseRoutes,
      'GET /api/shares/smb': (req) => {
        const p = Number(query(req).get('page'));
        return json(200, { items: p === 2 ? page2 : page1, total: 30, page: p, pageSize: 25 });
      },
    });
    const user = userEvent.setup({ delay: null });
    renderPage(<SharesPage />, { path: '/shares', user: adminUser });

    const table = await screen.findByRole('table', { name: 'SMB shares' });
    expect(within(table).getAllByRole('row')).toHaveLength(26);
    expect(within(table).getByText('share-1')).toBeTruthy();
    expect(screen.getByText('1–25 of 30')).toBeTruthy();
    expect(await screen.findByRole('tab', { name: 'SMB (30)' })).toBeTruthy();
    const first = query(api.to('GET', '/api/shares/smb')[0]!);
    expect(Object.fromEntries(first)).toMatchObject({ page: '1', pageSize: '25', sort: 'name', order: 'asc' });

    await user.click(screen.getByRole('button', { name: 'Go to next page' }));
    await screen.findByText('share-26');
    const row = screen.getByText('share-26').closest('tr')!;
    expect(row.textContent).toContain('disabled');
    expect(row.textContent).toContain('guest');
    expect(query(api.to('GET', '/api/shares/smb').at(-1)!).get('page')).toBe('2');

    // Sort and filter go to the server too, back on page 1.
    await user.click(screen.getByRole('button', { name: 'Path' }));
    await waitFor(() => expect(Object.fromEntries(query(api.to('GET', '/api/shares/smb').at(-1)!))).toMatchObject({ sort: 'path', order: 'asc', page: '1' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search SMB shares' }), 'media');
    await waitFor(() => expect(query(api.to('GET', '/api/shares/smb').at(-1)!).get('search')).toBe('media'));
  });

  it('shows a viewer the shares without any button that changes them', async () => {
    mockFetch({ ...baseRoutes, 'GET /api/shares/smb': () => json(200, { items: [smbShare(1)], total: 1, page: 1, pageSize: 25 }) });
    renderPage(<SharesPage />, { path: '/shares', user: { ...adminUser, role: 'viewer' } });
    await screen.findByText('share-1');
    expect(screen.queryByRole('button', { name: /Add SMB share/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Import' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Edit share-1' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete share-1' })).toBeNull();
    // Asking who can access a share changes nothing, so viewers may.
    expect(screen.getByRole('button', { name: 'Who can access share-1' })).toBeTruthy();
  });

  it('asks who can access a share’s directory, starting from its path', async () => {
    const none = { access: 'none', share: null, rules: [{ rule: 'no share', verdict: 'none', detail: 'No export contains the path.', share: null }], note: null };
    const smb = { access: 'write', share: 'share-1', rules: [{ rule: 'valid users', verdict: 'write', detail: 'An empty list admits every SMB user.', share: 'share-1' }], note: null };
    const api = mockFetch({
      ...baseRoutes,
      'GET /api/shares/smb': () => json(200, { items: [smbShare(1)], total: 1, page: 1, pageSize: 25 }),
      'GET /api/access': () => json(200, { user: 'alice', path: '/mnt/tank/share-1', smb, ftp: none, nfs: none }),
    });
    const user = userEvent.setup();
    renderPage(<SharesPage />, { path: '/shares', user: { ...adminUser, role: 'viewer' } });
    await user.click(await screen.findByRole('button', { name: 'Who can access share-1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Who can access this path?' });
    await user.type(within(dialog).getByLabelText('User'), 'alice');
    await user.click(within(dialog).getByRole('button', { name: 'Check' }));
    const region = await within(dialog).findByRole('region', { name: 'SMB access' });
    expect(region.textContent).toContain('An empty list admits every SMB user.');
    expect(query(api.to('GET', '/api/access')[0]).get('path')).toBe('/mnt/tank/share-1');
  });

  it('tells a viewer with no shares who adds them', async () => {
    mockFetch({ ...baseRoutes, 'GET /api/shares/nfs': () => json(200, { items: [], total: 0, page: 1, pageSize: 25 }) });
    renderPage(<SharesPage />, { path: '/shares?tab=nfs', user: { ...adminUser, role: 'viewer' } });
    expect(await screen.findByText('No NFS exports yet')).toBeTruthy();
    expect(screen.getByText('An administrator adds NFS exports.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Add NFS export/ })).toBeNull();
  });

  it('sends only contract fields from the SMB form and puts the 422 errors on their inputs', async () => {
    const api = mockFetch({
      ...baseRoutes,
      'POST /api/shares/smb': () =>
        apiError(422, 'VALIDATION_FAILED', 'Some fields are invalid.', {
          errors: [
            { field: 'path', message: 'is not inside a registered pool' },
            { field: 'validUsers.0', message: 'no such user: ghost' },
            { field: 'somethingElse', message: 'odd' },
          ],
        }),
    });
    const user = userEvent.setup({ delay: null });
    renderPage(<SharesPage />, { path: '/shares', user: adminUser });
    await user.click((await screen.findAllByRole('button', { name: 'Add SMB share' }))[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Add SMB share' });

    // zod runs first: nothing is sent without a name and a path.
    await user.click(within(dialog).getByRole('button', { name: 'Preview changes' }));
    await waitFor(() => expect(within(dialog).getByRole('textbox', { name: /^Name/ }).getAttribute('aria-invalid')).toBe('true'));
    expect(within(dialog).getByRole('textbox', { name: /^Path/ }).getAttribute('aria-invalid')).toBe('true');
    expect(api.to('POST', '/api/shares/smb')).toHaveLength(0);

    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'media');
    await user.type(within(dialog).getByRole('textbox', { name: /^Path/ }), '/srv/media');
    await user.click(within(dialog).getByRole('switch', { name: 'Read-only' }));
    await user.click(within(dialog).getByRole('switch', { name: 'Recycle bin' }));
    await user.click(within(dialog).getByRole('button', { name: 'Preview changes' }));

    const path = within(dialog).getByRole('textbox', { name: /^Path/ });
    await waitFor(() => expect(path.getAttribute('aria-invalid')).toBe('true'));
    expect(within(dialog).getByText('is not inside a registered pool')).toBeTruthy();
    expect(within(dialog).getByText('no such user: ghost')).toBeTruthy();
    expect(within(dialog).getByRole('alert').textContent).toContain('somethingElse: odd');

    const [sent] = api.to('POST', '/api/shares/smb');
    expect(query(sent!).get('dryRun')).toBe('true');
    const allowed = Object.keys(SmbShareCreate.shape);
    expect(Object.keys(sent!.body as object).filter((k) => !allowed.includes(k))).toEqual([]);
    // The API refuses unknown fields at any depth (issue 14, defect 6): the form sends none.
    expect(unknownFields(SmbShareCreate, sent!.body)).toEqual([]);
    expect(sent!.body).toMatchObject({ name: 'media', path: '/srv/media', readOnly: true, recycleBin: SMB_RECYCLE_BIN_DEFAULT });
    expect(sent!.body).not.toHaveProperty('createDirectory');
  });

  it('fills the options from a preset', async () => {
    const api = mockFetch({ ...baseRoutes, 'POST /api/shares/smb': () => json(201, { share: smbShare(9), apply: apply() }) });
    const user = userEvent.setup({ delay: null });
    renderPage(<SharesPage />, { path: '/shares', user: adminUser });
    await user.click((await screen.findAllByRole('button', { name: 'Add SMB share' }))[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Add SMB share' });
    await user.click(within(dialog).getByRole('combobox', { name: 'Preset' }));
    await user.click(await screen.findByRole('option', { name: 'Time Machine' }));
    expect(within(dialog).getByText('A macOS backup destination.')).toBeTruthy();
    expect((within(dialog).getByRole('switch', { name: 'Time Machine' }) as HTMLInputElement).checked).toBe(true);
    expect((within(dialog).getByRole('switch', { name: 'Browseable' }) as HTMLInputElement).checked).toBe(false);
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'backup');
    await user.type(within(dialog).getByRole('textbox', { name: /^Path/ }), '/mnt/tank/backup');
    await user.click(within(dialog).getByRole('button', { name: 'Preview changes' }));
    await screen.findByRole('dialog', { name: /review changes/ });
    expect(api.to('POST', '/api/shares/smb')[0]?.body).toMatchObject({ preset: 'time-machine', timeMachine: { maxSize: null }, browseable: false });
  });

  it('previews the diff with a dry run, sends nothing else, then applies the same body', async () => {
    const api = mockFetch({
      ...baseRoutes,
      'POST /api/shares/smb': [
        () => json(201, { share: smbShare(9, { name: 'media' }), apply: apply() }),
        () => json(201, { share: smbShare(9, { name: 'media' }), apply: apply({ dryRun: false, applied: true, daemon: 'reloaded' }) }),
      ],
    });
    const user = userEvent.setup({ delay: null });
    renderPage(<SharesPage />, { path: '/shares', user: adminUser });
    await user.click((await screen.findAllByRole('button', { name: 'Add SMB share' }))[0]!);
    const form = await screen.findByRole('dialog', { name: 'Add SMB share' });
    await user.type(within(form).getByRole('textbox', { name: /^Name/ }), 'media');
    await user.click(within(form).getByText('tank · /mnt/tank'));
    await user.type(within(form).getByRole('textbox', { name: /^Path/ }), 'media');
    await user.click(within(form).getByRole('button', { name: 'Preview changes' }));

    const review = await screen.findByRole('dialog', { name: 'Add SMB share: review changes' });
    const diff = within(review).getByLabelText('Changes to /etc/samba/smb.conf');
    expect(diff.textContent).toContain('+[media]');
    const exact = { normalizer: (t: string) => t };
    const added = within(diff).getByText('+[media]', exact);
    const removed = within(diff).getByText('-   old line', exact);
    expect(getComputedStyle(added).color).not.toBe(getComputedStyle(removed).color);

    // Only the dry run went out.
    const mutations = api.calls.filter((c) => c.method !== 'GET');
    expect(mutations).toHaveLength(1);
    expect(mutations[0]!.path).toBe('/api/shares/smb?dryRun=true');
    expect(mutations[0]!.body).toMatchObject({ name: 'media', path: '/mnt/tank/media' });

    await user.click(within(review).getByRole('button', { name: 'Apply' }));
    const notice = await screen.findByRole('alert', { name: 'Apply result' });
    expect(notice.textContent).toContain('SMB share “media” was created.');
    expect(notice.textContent).toContain('daemon was reloaded');
    const posts = api.to('POST', '/api/shares/smb');
    expect(posts).toHaveLength(2);
    expect(query(posts[1]!).get('dryRun')).toBe('false');
    expect(posts[1]!.body).toEqual(posts[0]!.body);
  });

  it('edits a share by sending only the fields that changed', async () => {
    const share = smbShare(1, { name: 'media', validUsers: ['alice'] });
    const api = mockFetch({
      ...baseRoutes,
      'GET /api/shares/smb': () => json(200, { items: [share], total: 1, page: 1, pageSize: 25 }),
      [`PATCH /api/shares/smb/${share.id}`]: () => json(200, { share: { ...share, readOnly: true }, apply: apply() }),
    });
    const user = userEvent.setup({ delay: null });
    renderPage(<SharesPage />, { path: '/shares', user: adminUser });
    await user.click(await screen.findByRole('button', { name: 'Edit media' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit SMB share “media”' });
    expect(within(dialog).queryByRole('combobox', { name: 'Preset' })).toBeNull();
    const preview = within(dialog).getByRole('button', { name: 'Preview changes' }) as HTMLButtonElement;
    expect(preview.disabled).toBe(true);
    await user.click(within(dialog).getByRole('switch', { name: 'Read-only' }));
    await user.click(preview);
    await screen.findByRole('dialog', { name: /review changes/ });
    const [sent] = api.to('PATCH', `/api/shares/smb/${share.id}`);
    expect(query(sent!).get('dryRun')).toBe('true');
    expect(sent!.body).toEqual({ readOnly: true });
  });

  it('deletes only after the name is typed, with a preview first', async () => {
    const share = smbShare(1, { name: 'media' });
    const api = mockFetch({
      ...baseRoutes,
      'GET /api/shares/smb': () => json(200, { items: [share], total: 1, page: 1, pageSize: 25 }),
      [`DELETE /api/shares/smb/${share.id}`]: [
        () => json(200, { apply: apply() }),
        () => json(200, { apply: apply({ dryRun: false, applied: true, daemon: 'unavailable', message: 'smbd is not installed' }) }),
      ],
    });
    const user = userEvent.setup({ delay: null });
    renderPage(<SharesPage />, { path: '/shares', user: adminUser });
    await user.click(await screen.findByRole('button', { name: 'Delete media' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete SMB share “media”?' });
    const preview = within(dialog).getByRole('button', { name: 'Preview changes' });
    expect((preview as HTMLButtonElement).disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox', { name: 'Type media to confirm' }), 'media');
    await user.click(preview);
    await within(dialog).findByLabelText('Changes to /etc/samba/smb.conf');
    expect(api.calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([`/api/shares/smb/${share.id}?dryRun=true`]);
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    const notice = await screen.findByRole('alert', { name: 'Apply result' });
    expect(notice.textContent).toContain('smbd is not installed');
    // Deleted from the database, but smbd could not take the file: a warning, not a success.
    expect(notice.className).toContain('Warning');
  });
});

describe('NFS exports', () => {
  it('edits the client rows and puts a 422 on the right row', async () => {
    const api = mockFetch({
      ...baseRoutes,
      'GET /api/shares/nfs': () => json(200, { items: [], total: 0, page: 1, pageSize: 25 }),
      'POST /api/shares/nfs': () => apiError(422, 'VALIDATION_FAILED', 'Some fields are invalid.', { errors: [{ field: 'clients.1.host', message: 'one host with both ro and rw' }] }),
    });
    const user = userEvent.setup({ delay: null });
    renderPage(<SharesPage />, { path: '/shares?tab=nfs', user: adminUser });
    await user.click((await screen.findAllByRole('button', { name: 'Add NFS export' }))[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Add NFS export' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Path/ }), '/mnt/tank/nfs');
    await user.type(within(dialog).getByRole('textbox', { name: 'Client 1' }), '10.0.0.0/24');
    await user.click(within(dialog).getByRole('button', { name: 'Add client' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Client 2' }), 'backup.lan');
    await user.click(within(dialog).getByRole('button', { name: 'Add client' }));
    await user.click(within(dialog).getByRole('button', { name: 'Remove client 3' }));
    await user.click(within(dialog).getByRole('button', { name: 'Preview changes' }));

    await waitFor(() => expect(within(dialog).getByRole('textbox', { name: 'Client 2' }).getAttribute('aria-invalid')).toBe('true'));
    expect(within(dialog).getByText('one host with both ro and rw')).toBeTruthy();
    expect(api.to('POST', '/api/shares/nfs')[0]?.body).toMatchObject({
      path: '/mnt/tank/nfs',
      clients: [
        { host: '10.0.0.0/24', access: 'rw' },
        { host: 'backup.lan', access: 'rw' },
      ],
      squash: 'root',
      sync: true,
      security: ['sys'],
    });
  });
});

describe('FTP shares', () => {
  it('sends anonymous access only with the explicit confirmation', async () => {
    const ftp: FtpShare = {
      id: '00000000-0000-4000-8000-0000000000f1',
      poolId: POOL_ID,
      poolName: 'tank',
      createdAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
      name: 'pub',
      path: '/mnt/tank/pub',
      enabled: true,
      allowedUsers: [],
      allowedGroups: [],
      writeEnable: false,
      anonymous: true,
      chroot: true,
    };
    const api = mockFetch({
      ...baseRoutes,
      'GET /api/shares/ftp': () => json(200, { items: [], total: 0, page: 1, pageSize: 25 }),
      'POST /api/shares/ftp': () => json(201, { share: ftp, apply: apply({ diffs: [{ path: '/etc/vsftpd.conf', diff: '+anonymous_enable=YES' }] }) }),
    });
    const user = userEvent.setup({ delay: null });
    renderPage(<SharesPage />, { path: '/shares?tab=ftp', user: adminUser });
    await user.click((await screen.findAllByRole('button', { name: 'Add FTP share' }))[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Add FTP share' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'pub');
    await user.type(within(dialog).getByRole('textbox', { name: /^Path/ }), '/mnt/tank/pub');
    await user.click(within(dialog).getByRole('switch', { name: 'Anonymous access' }));
    await user.click(within(dialog).getByRole('button', { name: 'Preview changes' }));
    expect(await within(dialog).findByText(/confirm it with confirmAnonymous/)).toBeTruthy();
    expect(api.to('POST', '/api/shares/ftp')).toHaveLength(0);

    await user.click(within(dialog).getByRole('checkbox', { name: /allow anonymous read access/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Preview changes' }));
    await screen.findByRole('dialog', { name: 'Add FTP share: review changes' });
    expect(api.to('POST', '/api/shares/ftp')[0]?.body).toMatchObject({ name: 'pub', anonymous: true, confirmAnonymous: true });
  });

  it('does not send the confirmation for a share without anonymous access', async () => {
    const api = mockFetch({
      ...baseRoutes,
      'GET /api/shares/ftp': () => json(200, { items: [], total: 0, page: 1, pageSize: 25 }),
      'POST /api/shares/ftp': () => apiError(409, 'CONFLICT', 'alice already has an FTP share.'),
    });
    const user = userEvent.setup({ delay: null });
    renderPage(<SharesPage />, { path: '/shares?tab=ftp', user: adminUser });
    await user.click((await screen.findAllByRole('button', { name: 'Add FTP share' }))[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Add FTP share' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'home');
    await user.type(within(dialog).getByRole('textbox', { name: /^Path/ }), '/mnt/tank/home');
    await user.click(within(dialog).getByRole('button', { name: 'Preview changes' }));
    expect(await within(dialog).findByText('alice already has an FTP share.')).toBeTruthy();
    expect(api.to('POST', '/api/shares/ftp')[0]?.body).not.toHaveProperty('confirmAnonymous');
  });
});

describe('Import', () => {
  it('shows the proposals with their errors and notes, then creates the valid ones', async () => {
    const report: ShareImportReport = {
      dryRun: true,
      smb: [
        {
          share: SmbShareCreate.parse({ name: 'media', path: '/mnt/tank/media' }),
          source: '[media]',
          errors: [],
          notes: [{ file: 'smb.conf', line: 7, section: 'media', text: 'vfs objects = catia', reason: 'vfs module not managed by MoxNAS' }],
        },
        { share: SmbShareCreate.parse({ name: 'old', path: '/srv/old' }), source: '[old]', errors: [{ field: 'path', message: 'is not inside a registered pool' }], notes: [] },
      ],
      nfs: [],
      ftp: [],
      notes: [{ file: 'smb.conf', line: 2, section: 'global', text: 'wins support = yes', reason: 'global option not taken over' }],
      created: { smb: 0, nfs: 0, ftp: 0 },
      apply: [],
    };
    const api = mockFetch({
      ...baseRoutes,
      'POST /api/shares/import': [
        () => json(200, report),
        () => json(200, { ...report, dryRun: false, created: { smb: 1, nfs: 0, ftp: 0 }, apply: [apply({ dryRun: false, applied: true, daemon: 'reloaded' })] }),
      ],
    });
    const user = userEvent.setup({ delay: null });
    renderPage(<SharesPage />, { path: '/shares', user: adminUser });
    await user.click(await screen.findByRole('button', { name: 'Import' }));
    const form = await screen.findByRole('dialog', { name: 'Import shares' });
    await user.click(within(form).getByRole('radio', { name: /paste or upload/ }));
    // Uploading nothing is refused by the contract before anything is sent.
    await user.click(within(form).getByRole('button', { name: 'Find shares' }));
    expect(await within(form).findByText(/upload at least one/)).toBeTruthy();
    await user.click(within(form).getByRole('textbox', { name: 'smb.conf contents' }));
    await user.paste('[global]\nwins support = yes\n[media]\npath = /mnt/tank/media\n');
    await user.click(within(form).getByRole('button', { name: 'Find shares' }));

    const review = await screen.findByRole('dialog', { name: 'Import shares: proposals' });
    const media = within(review).getByRole('region', { name: 'SMB media' });
    expect(media.textContent).toContain('will be created');
    expect(media.textContent).toContain('smb.conf:7 [media] — vfs objects = catia: vfs module not managed by MoxNAS');
    const old = within(review).getByRole('region', { name: 'SMB old' });
    expect(old.textContent).toContain('skipped');
    expect(old.textContent).toContain('path: is not inside a registered pool');
    expect(within(review).getByRole('list', { name: 'Notes on the files' }).textContent).toContain('wins support = yes');
    const [dry] = api.to('POST', '/api/shares/import');
    expect(query(dry!).get('dryRun')).toBe('true');
    expect(dry!.body).toMatchObject({ source: 'upload', smbConf: expect.stringContaining('[media]'), createDirectories: false });

    await user.click(within(review).getByRole('button', { name: 'Create 1 share' }));
    expect((await screen.findByRole('alert', { name: 'Apply result' })).textContent).toContain('Imported 1 SMB, 0 NFS and 0 FTP share');
    const posts = api.to('POST', '/api/shares/import');
    expect(posts).toHaveLength(2);
    expect(query(posts[1]!).get('dryRun')).toBe('false');
    expect(posts[1]!.body).toEqual(dry!.body);
  });
});
