import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, json, mockFetch } from '../../testing/fetch-mock';
import { adminUser, renderPage } from '../../testing/render';
import { LoginPage, safeNext } from './login-page';

const home = { path: '/', element: <h1>Home page</h1> };
const noSession = { 'POST /api/auth/refresh': () => apiError(401, 'UNAUTHORIZED', 'No refresh token.') };
const renderLogin = (path = '/login') => renderPage(<LoginPage />, { path, routes: [home, { path: '/storage', element: <h1>Storage page</h1> }] });

describe('LoginPage', () => {
  it('shows the zod field errors without calling the API', async () => {
    const api = mockFetch(noSession);
    const user = userEvent.setup();
    renderLogin();
    await user.click(await screen.findByRole('button', { name: 'Sign in' }));
    expect(await screen.findAllByText('Required')).toHaveLength(2);
    expect(screen.getByLabelText(/Username/).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText(/^Password/).getAttribute('aria-invalid')).toBe('true');
    expect(api.to('POST', '/api/auth/login')).toHaveLength(0);
  });

  it("puts a 422's field errors on the fields and shows the request id", async () => {
    const api = mockFetch({
      ...noSession,
      'POST /api/auth/login': () =>
        apiError(422, 'VALIDATION_FAILED', 'Input failed validation.', {
          requestId: 'req-login-422',
          errors: [
            { field: 'username', message: 'must not contain spaces' },
            { field: '', message: 'unexpected property "remember"' },
          ],
        }),
    });
    const user = userEvent.setup();
    renderLogin();
    await user.type(await screen.findByLabelText(/Username/), 'bad name');
    await user.type(screen.getByLabelText(/^Password/), 'secret-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('must not contain spaces')).toBeTruthy();
    expect(screen.getByLabelText(/Username/).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('request-id').textContent).toBe('req-login-422');
    // The error without a field is listed in the alert, not lost.
    expect(screen.getByRole('alert').textContent).toContain('unexpected property "remember"');
    expect(api.to('POST', '/api/auth/login')[0].body).toEqual({ username: 'bad name', password: 'secret-password' });
  });

  it('shows the API message and request id of a failed login', async () => {
    mockFetch({ ...noSession, 'POST /api/auth/login': () => apiError(401, 'UNAUTHORIZED', 'Wrong username or password.', { requestId: 'req-401' }) });
    const user = userEvent.setup();
    renderLogin();
    await user.type(await screen.findByLabelText(/Username/), 'admin');
    await user.type(screen.getByLabelText(/^Password/), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Login failed');
    expect(alert.textContent).toContain('Wrong username or password.');
    expect(screen.getByTestId('request-id').textContent).toBe('req-401');
  });

  it('asks for a TOTP code when the API says one is required, then logs in and goes to ?next', async () => {
    const api = mockFetch({
      ...noSession,
      'POST /api/auth/login': (req) =>
        (req.body as { totp?: string }).totp === '123456'
          ? json(200, { accessToken: 'tok', expiresIn: 900, user: adminUser })
          : apiError(401, 'UNAUTHORIZED', 'A TOTP code is required.', { details: { totpRequired: true } }),
    });
    const user = userEvent.setup();
    renderLogin('/login?next=%2Fstorage');
    await user.type(await screen.findByLabelText(/Username/), 'admin');
    await user.type(screen.getByLabelText(/^Password/), 'correct-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const code = await screen.findByLabelText(/Authentication code/);
    expect(screen.queryByRole('alert', { name: /Login failed/ })).toBeNull();
    await user.type(code, '12');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('six digits')).toBeTruthy();

    await user.clear(code);
    await user.type(code, '123456');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Storage page' })).toBeTruthy();
    expect(api.to('POST', '/api/auth/login').at(-1)?.body).toEqual({ username: 'admin', password: 'correct-password', totp: '123456' });
    await waitFor(() => expect(sessionStorage.getItem('moxnas.accessToken')).toBe('tok'));
  });

  it('only follows ?next inside the app', () => {
    expect(safeNext('/shares?tab=nfs')).toBe('/shares?tab=nfs');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});
