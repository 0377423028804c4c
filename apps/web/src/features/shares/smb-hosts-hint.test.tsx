import { SMB_HOSTS_HINT } from '@moxnas/contracts';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, mockFetch } from '../../testing/fetch-mock';
import { adminUser, renderPage } from '../../testing/render';
import { SharesPage } from './shares-page';

const POOL_ID = '00000000-0000-4000-8000-0000000000b1';

describe('SMB share form: hosts allow / deny (issue 14, defect 12)', () => {
  it('says how Samba combines the two lists, in the words the API documents', async () => {
    mockFetch({
      'GET /api/shares': () => json(200, { smb: { total: 0, enabled: 0 }, nfs: { total: 0, enabled: 0 }, ftp: { total: 0, enabled: 0 } }),
      'GET /api/storage/pools': () => json(200, [{ id: POOL_ID, name: 'tank', path: '/mnt/tank' }]),
      'GET /api/users': () => json(200, { items: [], total: 0, page: 1, pageSize: 500 }),
      'GET /api/groups': () => json(200, { items: [], total: 0, page: 1, pageSize: 500 }),
      'GET /api/shares/smb/presets': () => json(200, []),
      'GET /api/shares/smb': () => json(200, { items: [], total: 0, page: 1, pageSize: 25 }),
    });
    const user = userEvent.setup({ delay: null });
    renderPage(<SharesPage />, { path: '/shares', user: adminUser });
    await user.click((await screen.findAllByRole('button', { name: 'Add SMB share' }))[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Add SMB share' });
    // An allow list alone admits only its clients; with a deny list, unlisted clients get in too.
    expect(within(dialog).getByText(SMB_HOSTS_HINT.allow)).toBeTruthy();
    expect(SMB_HOSTS_HINT.allow).toMatch(/once Hosts deny is set a client on neither list may connect too/);
    expect(within(dialog).getByText(SMB_HOSTS_HINT.deny)).toBeTruthy();
  });
});
