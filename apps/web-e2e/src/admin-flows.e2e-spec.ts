import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Dataset, Pool, ServiceId, ServiceStatus, TokenResponse } from '@moxnas/contracts';
import type { BrowserContext, Page } from 'playwright-core';
import type { InjectOptions } from '../../api/test/support/test-app';
import { startWebApp, type WebApp } from './support/web-app';
import { freePort } from '../../api/test/support/free-port';

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd!';
const VIEWER = { username: 'e2e-viewer', password: 'viewer-sees-only-words' };
/** MUI's dialog fade (225 ms): a screenshot taken earlier shows two dialogs blended. */
const TRANSITION_MS = 400;
const SERVER_STRING_BEFORE = 'MoxNAS e2e before';
const SERVER_STRING_AFTER = 'MoxNAS e2e from the browser';

/**
 * Buttons that change something. A viewer must see none of them on any page; the admin must see
 * some on each page checked, or "none" would prove nothing.
 */
const MUTATION = /^(add|create|register|new|edit|delete|remove|unregister|start|stop|restart|reload|don’t start|settings|import|roll back|check now|measure|run now|snapshot|restore|revoke)\b/i;

/** The page's pid of a process that is alive (signal 0 checks without touching it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('admin flows in a browser: services, settings, revisions, viewer role', () => {
  let web: WebApp;
  let token: string;
  let poolDir: string;
  let viewerContext: BrowserContext | undefined;
  const names = {} as Record<ServiceId, string>;

  /** An API call as admin that must answer `expected`; the body is returned. */
  async function api<T>(opts: InjectOptions, expected = 200): Promise<T> {
    const res = await web.api.request<T>({ token, ...opts });
    if (res.status !== expected) throw new Error(`${opts.method ?? 'GET'} ${opts.url}: expected ${expected}, got ${res.status} ${res.text}`);
    return res.body;
  }

  const service = (id: ServiceId) => api<ServiceStatus>({ url: `/api/services/${id}` });
  const smbSettings = async () => (await api<{ settings: Record<string, unknown> }>({ url: '/api/services/smb/settings' })).settings;
  const card = (page: Page, id: ServiceId) => page.getByRole('region', { name: names[id], exact: true });

  async function signIn(page: Page, username: string, password: string, next = '/') {
    await page.goto(`${web.url}/login?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${web.url}${next}`);
  }

  /** Names of the mutation buttons on the page as it is now (all first answers in). */
  async function mutationButtons(page: Page): Promise<string[]> {
    const labels: string[] = [];
    for (const button of await page.getByRole('main').getByRole('button').all()) {
      labels.push(((await button.getAttribute('aria-label')) ?? (await button.textContent()) ?? '').trim());
    }
    return labels.filter((l) => MUTATION.test(l));
  }

  /**
   * The pages (and tabs) the role check looks at: what proves each has loaded its data, and buttons
   * the admin sees there (each must match MUTATION, so the viewer check covers it).
   */
  const rolePages: { name: string; path: string; ready: (page: Page) => Promise<void>; adminSees: string[] }[] = [
    { name: 'users', path: '/users', ready: (p) => p.getByRole('row').filter({ hasText: VIEWER.username }).waitFor(), adminSees: ['Add user', 'Edit', 'Delete'] },
    { name: 'storage-pools', path: '/storage', ready: (p) => p.getByRole('region', { name: 'Pool e2eflows' }).waitFor(), adminSees: ['Register pool', 'Check now', 'Unregister'] },
    {
      name: 'storage-datasets',
      path: '/storage?tab=datasets',
      ready: (p) => p.getByRole('row').filter({ hasText: 'projects' }).waitFor(),
      adminSees: ['Create dataset', 'Measure', 'Delete'],
    },
    { name: 'shares', path: '/shares', ready: (p) => p.getByRole('row').filter({ hasText: 'e2e-flows' }).waitFor(), adminSees: ['Add SMB share', 'Import', 'Edit e2e-flows', 'Delete e2e-flows'] },
    { name: 'services', path: '/services', ready: (p) => p.getByRole('region', { name: names.smb, exact: true }).waitFor(), adminSees: ['Start', 'Stop', 'Restart', 'Reload', 'Start at boot', 'Settings'] },
  ];

  async function visit(page: Page, target: (typeof rolePages)[number]) {
    await page.goto(`${web.url}${target.path}`);
    await target.ready(page);
    await page.getByRole('main').locator('[aria-label="Loading"]').first().waitFor({ state: 'detached', timeout: 20_000 });
  }

  beforeAll(async () => {
    // Host accounts off: the viewer must not become a Linux account of the test machine.
    web = await startWebApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
    const login = await web.api.request<TokenResponse>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } });
    if (login.status !== 200) throw new Error(`API login failed: ${login.status} ${login.text}`);
    token = login.body.accessToken;

    for (const s of await api<ServiceStatus[]>({ url: '/api/services' })) names[s.id] = s.name;
    // Free ports on loopback instead of the development defaults (4450, 2121): another test run or
    // a daemon of the machine may hold those. This is also the first settings revision.
    await api({ method: 'PUT', url: '/api/services/smb/settings', body: { port: await freePort(), interfaces: ['127.0.0.1'], serverString: SERVER_STRING_BEFORE } });
    await api({ method: 'PUT', url: '/api/services/ftp/settings', body: { port: await freePort(), listenAddress: '127.0.0.1' } });

    // Something on every page a role could change, so a missing button means the role hid it.
    poolDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-e2e-flows-')));
    const pool = await api<Pool>({ method: 'POST', url: '/api/storage/pools', body: { name: 'e2eflows', path: poolDir } }, 201);
    const dataset = await api<Dataset>({ method: 'POST', url: '/api/storage/datasets', body: { poolId: pool.id, name: 'projects' } }, 201);
    await api({ method: 'POST', url: '/api/shares/smb', body: { name: 'e2e-flows', path: dataset.path } }, 201);
    await api({ method: 'POST', url: '/api/users', body: { ...VIEWER, role: 'viewer', smbEnabled: false } }, 201);
  }, 120_000);

  afterAll(async () => {
    await viewerContext?.close();
    await web?.close();
    if (poolDir) await fs.rm(poolDir, { recursive: true, force: true });
  });

  it('logs in as admin', () =>
    web.step('flows-login', async () => {
      await signIn(web.page, 'admin', ADMIN_PASSWORD, '/services');
      await web.page.getByRole('heading', { name: 'Services', level: 1 }).waitFor({ timeout: 30_000 });
    }));

  it('shows the real state of each daemon, and why NFS is not available', () =>
    web.step('flows-services-state', async () => {
      const { page } = web;
      for (const id of ['smb', 'ftp', 'nfs'] as const) await card(page, id).waitFor({ timeout: 30_000 });
      await web.settled();

      for (const id of ['smb', 'ftp'] as const) {
        const truth = await service(id);
        expect({ id, driver: truth.driver, available: truth.capability.available }).toEqual({ id, driver: 'process', available: true });
        const text = await card(page, id).textContent();
        expect(text).toContain(truth.state);
        await card(page, id).getByText('process', { exact: true }).waitFor();
        if (truth.pid !== null) {
          expect(alive(truth.pid)).toBe(true);
          expect(text).toContain(`pid ${truth.pid}`);
        }
      }

      // No kernel nfsd in a container: the card says so, with the API's reason, and offers no start.
      const nfs = await service('nfs');
      expect(nfs.state).toBe('unavailable');
      expect(nfs.capability.reason).toBeTruthy();
      const nfsCard = card(page, 'nfs');
      expect(await nfsCard.textContent()).toContain('Not available on this host');
      expect(await nfsCard.textContent()).toContain(nfs.capability.reason);
      expect(await nfsCard.getByRole('button', { name: 'Start' }).count()).toBe(0);
      await web.screenshot('flows-services');
    }));

  it('starts Samba and sees it running, then stops it after confirming and sees it stopped', () =>
    web.step('flows-services-start-stop', async () => {
      const { page } = web;
      const smb = card(page, 'smb');
      expect((await service('smb')).state).toBe('stopped');
      expect(await smb.textContent()).toContain('stopped');

      await smb.getByRole('button', { name: 'Start', exact: true }).click();
      await smb.getByText('running', { exact: true }).waitFor({ timeout: 30_000 });
      const running = await service('smb');
      expect(running.state).toBe('running');
      expect(running.pid).toBeGreaterThan(0);
      expect(alive(running.pid!)).toBe(true);
      await smb.getByText(`pid ${running.pid}`).waitFor();
      await web.screenshot('flows-services-smb-running');

      await smb.getByRole('button', { name: 'Stop', exact: true }).click();
      const confirm = page.getByRole('dialog', { name: 'Stop service?' });
      await confirm.waitFor();
      expect(await confirm.textContent()).toContain(names.smb);
      await page.waitForTimeout(TRANSITION_MS);
      await web.screenshot('flows-services-stop-confirm');
      await confirm.getByRole('button', { name: 'Stop' }).click();
      await confirm.waitFor({ state: 'hidden' });
      await smb.getByText('stopped', { exact: true }).waitFor({ timeout: 30_000 });
      expect((await service('smb')).state).toBe('stopped');
      expect(alive(running.pid!)).toBe(false);
      await smb.getByRole('button', { name: 'Start', exact: true }).waitFor();
    }));

  it('changes the SMB server string with a preview of the smb.conf diff, then applies it to the running daemon', () =>
    web.step('flows-settings', async () => {
      const { page } = web;
      const smb = card(page, 'smb');
      // Running, so the apply reloads a live daemon rather than only writing the file.
      await smb.getByRole('button', { name: 'Start', exact: true }).click();
      await smb.getByText('running', { exact: true }).waitFor({ timeout: 30_000 });
      const running = await service('smb');

      await smb.getByRole('button', { name: 'Settings' }).click();
      const form = page.getByRole('dialog', { name: `${names.smb} settings` });
      const field = form.getByRole('textbox', { name: 'Server description' });
      await field.waitFor({ timeout: 30_000 });
      expect(await field.inputValue()).toBe(SERVER_STRING_BEFORE);
      await field.fill(SERVER_STRING_AFTER);
      await page.waitForTimeout(TRANSITION_MS);
      await web.screenshot('flows-settings-form');
      await form.getByRole('button', { name: 'Preview changes' }).click();

      const review = page.getByRole('dialog', { name: `Review changes to ${names.smb}` });
      await review.waitFor({ timeout: 30_000 });
      const diff = review.locator('pre[aria-label^="Changes to"]').first();
      await diff.waitFor();
      const diffText = (await diff.textContent()) ?? '';
      expect(diffText).toContain(`server string = ${SERVER_STRING_BEFORE}`);
      expect(diffText).toContain(`server string = ${SERVER_STRING_AFTER}`);
      // The preview wrote nothing.
      expect((await smbSettings()).serverString).toBe(SERVER_STRING_BEFORE);
      await page.waitForTimeout(TRANSITION_MS);
      await web.screenshot('flows-settings-preview');

      await review.getByRole('button', { name: 'Apply' }).click();
      const outcome = page.getByRole('status').filter({ hasText: 'Applied.' });
      await outcome.waitFor({ timeout: 30_000 });
      expect(await outcome.textContent()).toContain('re-read its configuration');
      await web.screenshot('flows-settings-applied');
      await page.getByRole('button', { name: 'Done' }).click();
      expect((await smbSettings()).serverString).toBe(SERVER_STRING_AFTER);
      // Reloaded in place, not restarted.
      const after = await service('smb');
      expect({ state: after.state, pid: after.pid }).toEqual({ state: 'running', pid: running.pid });
    }));

  it('shows the new revision and rolls back to the one before, with its preview', () =>
    web.step('flows-revisions', async () => {
      const { page } = web;
      await card(page, 'smb').getByRole('button', { name: 'Revisions' }).click();
      const dialog = page.getByRole('dialog', { name: `${names.smb}: configuration revisions` });
      const list = dialog.getByRole('list', { name: 'Revisions' });
      await list.waitFor({ timeout: 30_000 });
      const items = list.getByRole('button');
      // The port set before the test and the server string set in the browser.
      expect(await items.count()).toBeGreaterThanOrEqual(2);
      expect(await items.first().textContent()).toContain('admin');
      // The newest one is selected and shows what it changed.
      const diff = dialog.locator('pre[aria-label^="Changes to"]');
      await diff.waitFor({ timeout: 30_000 });
      expect(await diff.textContent()).toContain(`server string = ${SERVER_STRING_AFTER}`);
      await page.waitForTimeout(TRANSITION_MS);
      await web.screenshot('flows-revisions');

      const target = items.nth(1);
      const targetText = await target.textContent();
      await target.click();
      await dialog.getByRole('button', { name: 'Roll back to this' }).click();
      const rollback = dialog.getByRole('region', { name: 'Rollback preview' });
      const preview = rollback.locator('pre[aria-label^="Changes to"]');
      await preview.waitFor({ timeout: 30_000 });
      const previewText = (await preview.textContent()) ?? '';
      expect(previewText).toContain(`server string = ${SERVER_STRING_BEFORE}`);
      expect(previewText).toContain(`server string = ${SERVER_STRING_AFTER}`);
      expect((await smbSettings()).serverString).toBe(SERVER_STRING_AFTER);
      await web.screenshot('flows-rollback-preview');

      const revisionCount = await items.count();
      await rollback.getByRole('button', { name: 'Apply rollback' }).click();
      const outcome = dialog.getByRole('status').filter({ hasText: 'Applied.' });
      await outcome.waitFor({ timeout: 30_000 });
      expect(await outcome.textContent()).toContain('re-read its configuration');
      expect((await smbSettings()).serverString).toBe(SERVER_STRING_BEFORE);
      // The rollback is a revision of its own, at the top; the one rolled back to stays selected.
      await items.nth(revisionCount).waitFor();
      expect(await list.locator('.Mui-selected').textContent()).toBe(targetText);
      await web.screenshot('flows-rollback-applied');
      const after = await service('smb');
      expect({ state: after.state, revision: after.revision?.actor }).toEqual({ state: 'running', revision: 'admin' });
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'hidden' });
    }));

  it('shows the admin the buttons that change things on every page', async () => {
    for (const target of rolePages) {
      await web.step(`flows-admin-${target.name}`, async () => {
        await visit(web.page, target);
        expect(target.adminSees.filter((name) => !MUTATION.test(name))).toEqual([]);
        expect({ page: target.name, buttons: await mutationButtons(web.page) }).toEqual({ page: target.name, buttons: expect.arrayContaining(target.adminSees) });
        await web.screenshot(`flows-admin-${target.name}`);
      });
    }
  });

  it('shows a viewer, in a fresh browser session, the same pages without any button that changes things', async () => {
    viewerContext = await web.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await viewerContext.newPage();
    page.on('pageerror', (err) => web.pageErrors.push(`viewer pageerror: ${err.message}`));
    await web.step('flows-viewer-login', async () => {
      await signIn(page, VIEWER.username, VIEWER.password);
      await page.getByRole('link', { name: 'Services' }).first().waitFor({ timeout: 30_000 });
    });
    for (const target of rolePages) {
      await web.step(`flows-viewer-${target.name}`, async () => {
        try {
          await visit(page, target);
          expect({ page: target.name, buttons: await mutationButtons(page) }).toEqual({ page: target.name, buttons: [] });
          await web.screenshot(`flows-viewer-${target.name}`, page);
        } catch (error) {
          await web.screenshot(`failed-flows-viewer-${target.name}`, page).catch(() => undefined);
          throw error;
        }
      });
    }
    await web.step('flows-viewer-revisions', async () => {
      // Revisions are readable by a viewer; rolling back (offered to the admin above) is not.
      await page.getByRole('region', { name: names.smb, exact: true }).getByRole('button', { name: 'Revisions' }).click();
      const dialog = page.getByRole('dialog', { name: `${names.smb}: configuration revisions` });
      await dialog.locator('pre[aria-label^="Changes to"]').waitFor({ timeout: 30_000 });
      expect(await dialog.getByRole('button', { name: 'Roll back to this' }).count()).toBe(0);
      await page.waitForTimeout(TRANSITION_MS);
      await web.screenshot('flows-viewer-revisions', page);
    });
  });

  it('ran without uncaught errors in the page', () => {
    expect(web.pageErrors).toEqual([]);
  });
});
