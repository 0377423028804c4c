import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, json, mockFetch } from '../../testing/fetch-mock';
import { adminUser, renderPage } from '../../testing/render';
import { PasswordChangeGate } from './password-change-gate';

const gated = (
  <PasswordChangeGate>
    <h1>Dashboard page</h1>
  </PasswordChangeGate>
);

describe('PasswordChangeGate', () => {
  it('lets users with their own password straight through', async () => {
    mockFetch({});
    renderPage(gated, { user: adminUser });
    expect(await screen.findByRole('heading', { name: 'Dashboard page' })).toBeTruthy();
  });

  it('asks for a new password first, checks the repeat, shows API errors on the fields, then opens the app', async () => {
    const api = mockFetch({
      'POST /api/auth/password': [
        () => apiError(422, 'VALIDATION_FAILED', 'Input failed validation.', { requestId: 'req-pw', errors: [{ field: 'newPassword', message: 'must not contain the username' }] }),
        () => json(200, { accessToken: 'fresh', expiresIn: 900, user: { ...adminUser, mustChangePassword: false } }),
      ],
    });
    const user = userEvent.setup();
    renderPage(gated, { user: { ...adminUser, mustChangePassword: true } });
    expect(await screen.findByRole('heading', { name: 'Choose your own password' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Dashboard page' })).toBeNull();

    await user.type(await screen.findByLabelText(/Current password/), 'generated-Pw-123');
    await user.type(screen.getByLabelText(/^New password/), 'admin-is-my-name-1');
    await user.type(screen.getByLabelText(/Repeat the new password/), 'something else');
    await user.click(screen.getByRole('button', { name: 'Set password and continue' }));
    expect(await screen.findByText('does not match the new password')).toBeTruthy();
    expect(api.to('POST', '/api/auth/password')).toHaveLength(0);

    await user.clear(screen.getByLabelText(/Repeat the new password/));
    await user.type(screen.getByLabelText(/Repeat the new password/), 'admin-is-my-name-1');
    await user.click(screen.getByRole('button', { name: 'Set password and continue' }));
    expect(await screen.findByText('must not contain the username')).toBeTruthy();
    expect(screen.getByTestId('request-id').textContent).toBe('req-pw');

    await user.clear(screen.getByLabelText(/^New password/));
    await user.type(screen.getByLabelText(/^New password/), 'a-long-new-passphrase');
    await user.clear(screen.getByLabelText(/Repeat the new password/));
    await user.type(screen.getByLabelText(/Repeat the new password/), 'a-long-new-passphrase');
    await user.click(screen.getByRole('button', { name: 'Set password and continue' }));
    expect(await screen.findByRole('heading', { name: 'Dashboard page' })).toBeTruthy();
    // Only the two contract fields go to the API; the repeat stays in the browser.
    expect(api.to('POST', '/api/auth/password').at(-1)?.body).toEqual({ currentPassword: 'generated-Pw-123', newPassword: 'a-long-new-passphrase' });
    expect(sessionStorage.getItem('moxnas.accessToken')).toBe('fresh');
  });
});
