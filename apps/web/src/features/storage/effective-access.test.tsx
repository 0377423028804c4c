import type { AccessReport, ProtocolAccess } from '@moxnas/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch } from '../../testing/fetch-mock';
import { datasetFixture } from '../../testing/fixtures';
import { adminUser, renderPage } from '../../testing/render';
import { StoragePage } from './storage-page';

const media = datasetFixture({ group: { gid: 100, name: 'users' }, mode: '0770' });

const none: ProtocolAccess = { access: 'none', share: null, rules: [{ rule: 'no share', verdict: 'none', detail: 'No share of this protocol contains the path.', share: null }], note: null };
const smbRead: ProtocolAccess = {
  access: 'read',
  share: 'media',
  rules: [
    { rule: 'valid users', verdict: 'write', detail: 'alice is listed.', share: 'media' },
    { rule: 'read only', verdict: 'read', detail: 'The share is read only and alice is not in the write list.', share: 'media' },
    { rule: 'POSIX mode 0770 on /mnt/tank/media (owner root, group users)', verdict: 'write', detail: 'alice is in group users (rwx).', share: null },
  ],
  note: null,
};
const report = (user: string, smb: ProtocolAccess): AccessReport => ({ user, path: '/mnt/tank/media', smb, ftp: none, nfs: { ...none, note: 'Depends on the client host.' } });

function routes() {
  return mockFetch({
    'GET /api/storage/pools': () => json(200, []),
    'GET /api/storage/datasets': () => json(200, [media]),
    'GET /api/access': (req) => {
      const user = new URLSearchParams(req.path.split('?')[1]).get('user');
      if (user === null) return json(200, { path: '/mnt/tank/media', users: [report('alice', smbRead), report('bob', none)] });
      return json(200, report(user, user === 'alice' ? smbRead : none));
    },
  });
}

async function openAccess() {
  const user = userEvent.setup();
  renderPage(<StoragePage />, { path: '/storage?tab=datasets', user: adminUser });
  await user.click(await screen.findByRole('button', { name: 'Who can access ?/media' }));
  const dialog = await screen.findByRole('dialog', { name: 'Who can access this path?' });
  return { user, dialog };
}

describe('Who can access this path?', () => {
  it('shows one user’s answer per protocol with the rules in the order they decided it', async () => {
    const api = routes();
    const { user, dialog } = await openAccess();
    expect((within(dialog).getByLabelText('Path') as HTMLInputElement).value).toBe('/mnt/tank/media');
    await user.type(within(dialog).getByLabelText('User'), 'alice');
    await user.click(within(dialog).getByRole('button', { name: 'Check' }));

    const smb = await within(dialog).findByRole('region', { name: 'SMB access' });
    expect(smb.textContent).toContain('via media');
    const rules = within(within(smb).getByRole('list', { name: 'SMB rules' })).getAllByRole('listitem');
    expect(rules.map((r) => r.textContent)).toEqual([
      expect.stringContaining('valid users'),
      expect.stringContaining('read only'),
      expect.stringContaining('POSIX mode 0770'),
    ]);
    expect(rules[1].textContent).toContain('at most read');
    expect(within(dialog).getByRole('region', { name: 'NFS access' }).textContent).toContain('Depends on the client host.');
    expect(api.to('GET', '/api/access')[0].path).toBe('/api/access?user=alice&path=%2Fmnt%2Ftank%2Fmedia');
  });

  it('lists every user’s level, and a name opens that user’s chain', async () => {
    const api = routes();
    const { user, dialog } = await openAccess();
    await user.click(within(dialog).getByRole('button', { name: 'Every user' }));
    await user.click(within(dialog).getByRole('button', { name: 'Check' }));

    const table = await within(dialog).findByRole('table', { name: 'Access of every user' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(['alicereadnonenone', 'bobnonenonenone']);
    // One request answers for every user (the reverse listing), not one per user.
    expect(api.to('GET', '/api/access').map((r) => r.path)).toEqual(['/api/access?path=%2Fmnt%2Ftank%2Fmedia']);

    await user.click(within(table).getByRole('button', { name: 'Rules for alice' }));
    await waitFor(() => expect(within(dialog).getByRole('region', { name: 'Access of alice' })).toBeTruthy());
    expect(within(dialog).getByRole('region', { name: 'SMB access' }).textContent).toContain('read only');
  });
});
