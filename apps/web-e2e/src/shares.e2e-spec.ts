import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pool, TokenResponse } from '@moxnas/contracts';
import { startWebApp, type WebApp } from './support/web-app';

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd!';
/** MUI's dialog fade (225 ms): a screenshot taken earlier shows two dialogs blended. */
const TRANSITION_MS = 400;

describe('shares in a browser', () => {
  let web: WebApp;
  let poolDir: string;
  let pool: Pool;

  beforeAll(async () => {
    // Host accounts off: nothing here may become a Linux account of the test machine.
    web = await startWebApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
    poolDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-e2e-pool-')));
    await fs.mkdir(path.join(poolDir, 'media'));
    const login = await web.api.request<TokenResponse>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } });
    if (login.status !== 200) throw new Error(`API login failed: ${login.status} ${login.text}`);
    const created = await web.api.request<Pool>({ method: 'POST', url: '/api/storage/pools', body: { name: 'e2epool', path: poolDir }, token: login.body.accessToken });
    if (created.status !== 201) throw new Error(`pool registration failed: ${created.status} ${created.text}`);
    pool = created.body;
  }, 120_000);

  afterAll(async () => {
    await web?.close();
    if (poolDir) await fs.rm(poolDir, { recursive: true, force: true });
  });

  it('logs in', () =>
    web.step('shares-login', async () => {
      const { page } = web;
      await page.goto(`${web.url}/login?next=%2Fshares`);
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${web.url}/shares`);
      await page.getByRole('heading', { name: 'Shares', level: 1 }).waitFor({ timeout: 30_000 });
      await page.getByText('No SMB shares yet').waitFor({ timeout: 30_000 });
      await web.screenshot('shares-empty');
    }));

  it('creates an SMB share through the form, with a preview of the smb.conf diff', () =>
    web.step('shares-create-smb', async () => {
      const { page } = web;
      await page.getByRole('button', { name: 'Add SMB share' }).first().click();
      const form = page.getByRole('dialog', { name: 'Add SMB share', exact: true });
      await form.getByRole('textbox', { name: 'Name' }).fill('e2e-media');
      await form.getByRole('textbox', { name: 'Comment' }).fill('Made by the browser test');
      // The pool chip starts the path at the pool.
      await form.getByText(`${pool.name} · ${pool.path}`).click();
      await form.getByRole('textbox', { name: 'Path' }).pressSequentially('media');
      expect(await form.getByRole('textbox', { name: 'Path' }).inputValue()).toBe(`${poolDir}/media`);
      await form.getByRole('switch', { name: 'Recycle bin' }).check();
      await page.waitForTimeout(TRANSITION_MS);
      await web.screenshot('shares-smb-form');
      await form.getByRole('button', { name: 'Preview changes' }).click();

      const review = page.getByRole('dialog', { name: 'Add SMB share: review changes' });
      await review.waitFor({ timeout: 30_000 });
      await form.waitFor({ state: 'hidden' });
      const diff = review.locator('pre[aria-label^="Changes to"]').first();
      await diff.waitFor();
      expect(await diff.textContent()).toContain('[e2e-media]');
      await page.waitForTimeout(TRANSITION_MS);
      await web.screenshot('shares-smb-preview');
      // Nothing is stored by the preview.
      await review.getByRole('button', { name: 'Apply' }).click();

      const notice = page.getByRole('alert', { name: 'Apply result' });
      await notice.waitFor({ timeout: 30_000 });
      expect(await notice.textContent()).toContain('SMB share “e2e-media” was created.');
      const row = page.getByRole('row').filter({ hasText: 'e2e-media' });
      await row.waitFor();
      expect(await row.textContent()).toContain(`${poolDir}/media`);
      expect(await row.textContent()).toContain('recycle bin');
      await web.settled();
      await web.screenshot('shares-smb-list');
    }));

  it('shows the NFS and FTP tabs with what to do next', () =>
    web.step('shares-tabs', async () => {
      const { page } = web;
      await page.getByRole('tab', { name: /^NFS/ }).click();
      await page.getByText('No NFS exports yet').waitFor();
      await page.getByRole('button', { name: 'Add NFS export' }).first().click();
      const nfs = page.getByRole('dialog', { name: 'Add NFS export' });
      await nfs.getByRole('textbox', { name: 'Client 1' }).fill('192.168.1.0/24');
      await nfs.getByRole('button', { name: 'Add client' }).click();
      await nfs.getByRole('textbox', { name: 'Client 2' }).fill('backup.lan');
      await page.waitForTimeout(TRANSITION_MS);
      await web.screenshot('shares-nfs-form');
      await nfs.getByRole('button', { name: 'Cancel' }).click();
      await nfs.waitFor({ state: 'hidden' });
      await page.getByRole('tab', { name: /^FTP/ }).click();
      await page.getByText('No FTP shares yet').waitFor();
      await page.getByRole('tab', { name: /^SMB/ }).click();
      await page.getByRole('row').filter({ hasText: 'e2e-media' }).waitFor();
    }));

  it('proposes shares from a pasted smb.conf without creating them', () =>
    web.step('shares-import', async () => {
      const { page } = web;
      await page.getByRole('button', { name: 'Import' }).click();
      const form = page.getByRole('dialog', { name: 'Import shares', exact: true });
      await form.getByRole('radio', { name: /paste or upload/ }).check();
      await form
        .getByRole('textbox', { name: 'smb.conf contents' })
        .fill(`[global]\n   workgroup = WORKGROUP\n\n[photos]\n   path = ${poolDir}/media\n   read only = yes\n   vfs objects = catia\n\n[elsewhere]\n   path = /nonexistent/dir\n`);
      await form.getByRole('button', { name: 'Find shares' }).click();
      const review = page.getByRole('dialog', { name: 'Import shares: proposals' });
      await review.waitFor({ timeout: 30_000 });
      await form.waitFor({ state: 'hidden' });
      await review.getByRole('region', { name: /^SMB photos/ }).waitFor();
      expect(await review.getByRole('region', { name: /^SMB elsewhere/ }).textContent()).toContain('skipped');
      await page.waitForTimeout(TRANSITION_MS);
      await web.screenshot('shares-import-proposals');
      await review.getByRole('button', { name: 'Cancel' }).click();
      await review.waitFor({ state: 'hidden' });
      // Only the dry run ran: the list still has the one share.
      expect(await page.getByRole('row').count()).toBe(2);
    }));

  it('ran without uncaught errors in the page', () => {
    expect(web.pageErrors).toEqual([]);
  });
});
