import { startWebApp, type WebApp } from './support/web-app';

const ADMIN_PASSWORD = 'e2e-Admin-Passw0rd!';

describe('dashboard in a browser', () => {
  let web: WebApp;

  beforeAll(async () => {
    // Host accounts off: users created here must not become Linux accounts of the test machine.
    web = await startWebApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
  }, 120_000);

  afterAll(async () => {
    await web?.close();
  });

  it('sends a visitor without a session to the login page', () =>
    web.step('login-redirect', async () => {
      const { page } = web;
      await page.goto(`${web.url}/storage`);
      await page.waitForURL(/\/login\?next=%2Fstorage$/);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await page.getByLabel('Username').isVisible()).toBe(true);
      await web.screenshot('login');
    }));

  it('shows the zod errors before sending anything', () =>
    web.step('login-zod', async () => {
      const { page } = web;
      await page.goto(`${web.url}/login`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect(await page.getByText('Required').count()).toBe(2);
    }));

  it('shows the API message and request id for a wrong password', () =>
    web.step('login-failed', async () => {
      const { page } = web;
      await page.goto(`${web.url}/login`);
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password', { exact: true }).fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert');
      await alert.getByText('Login failed').waitFor();
      expect(await alert.getByTestId('request-id').textContent()).toMatch(/\S+/);
      await web.screenshot('login-failed');
    }));

  it('logs in as admin with MOXNAS_ADMIN_PASSWORD and reaches the app', () =>
    web.step('login', async () => {
      const { page } = web;
      await page.goto(`${web.url}/login`);
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${web.url}/`);
      await page.getByRole('link', { name: 'System' }).first().waitFor({ timeout: 30_000 });
    }));

  it('sees the health of the box on the dashboard', () =>
    web.step('dashboard', async () => {
      const { page } = web;
      const database = page.getByRole('region', { name: 'Database check' });
      await database.waitFor({ timeout: 30_000 });
      expect(await database.textContent()).toMatch(/Embedded PostgreSQL|PostgreSQL/);
      expect(await page.getByRole('region', { name: 'CPU' }).isVisible()).toBe(true);
      await web.settled();
      await web.screenshot('dashboard');
    }));

  it('keeps the session across a reload and works on a phone-sized screen', () =>
    web.step('phone', async () => {
      const { page } = web;
      await page.reload();
      await page.getByRole('region', { name: 'Database check' }).waitFor({ timeout: 30_000 });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByRole('button', { name: 'Open navigation' }).click();
      await page.getByRole('link', { name: 'System' }).waitFor();
      await web.screenshot('dashboard-phone-navigation');
      await page.getByRole('link', { name: 'System' }).click();
      await page.getByRole('heading', { name: 'System', level: 1 }).waitFor();
      await page.setViewportSize({ width: 1280, height: 800 });
    }));

  it('renders every section with real data or an explanation, in light and dark', async () => {
    const { page } = web;
    for (const [path, heading] of [
      ['/storage', 'Storage'],
      ['/shares', 'Shares'],
      ['/services', 'Services'],
      ['/network', 'Network'],
      ['/system', 'System'],
    ] as const) {
      await web.step(`page-${path.slice(1)}`, async () => {
        await page.getByRole('link', { name: heading }).click();
        await page.waitForURL(`${web.url}${path}`);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await web.settled();
        await web.screenshot(`page-${path.slice(1)}`);
      });
    }
    await web.step('dark', async () => {
      await page.getByRole('button', { name: 'Theme' }).click();
      await page.getByRole('menuitem', { name: 'Dark' }).click();
      await page.getByRole('link', { name: 'Dashboard' }).click();
      await page.getByRole('region', { name: 'CPU' }).waitFor();
      await web.settled();
      await web.screenshot('dashboard-dark');
      await page.getByRole('button', { name: 'Theme' }).click();
      await page.getByRole('menuitem', { name: 'Follow system' }).click();
    });
  });

  it('creates a user and sees it in the list', () =>
    web.step('users', async () => {
      const { page } = web;
      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByRole('button', { name: 'Add user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add user' });
      await dialog.getByRole('textbox', { name: 'Username' }).fill('e2e-alice');
      await dialog.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
      await dialog.getByRole('textbox', { name: 'Full name' }).fill('Alice from the browser test');
      await dialog.getByRole('button', { name: 'Add user' }).click();
      await page.getByText('User “e2e-alice” was created.').waitFor();
      const row = page.getByRole('row').filter({ hasText: 'e2e-alice' });
      expect(await row.textContent()).toContain('Alice from the browser test');
      await web.screenshot('users');
    }));

  it('ran without uncaught errors in the page', () => {
    expect(web.pageErrors).toEqual([]);
  });
});
