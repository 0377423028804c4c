import type { User } from '@moxnas/contracts';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, json, mockFetch } from '../../testing/fetch-mock';
import { adminUser, renderPage } from '../../testing/render';
import { UsersPage } from './users-page';

const alice: User = {
  id: '00000000-0000-4000-8000-0000000000a1',
  username: 'alice',
  fullName: 'Alice Example',
  email: null,
  uid: 10000,
  primaryGroup: null,
  groups: [],
  shell: '/usr/sbin/nologin',
  homeDir: null,
  smbEnabled: true,
  ftpEnabled: false,
  role: 'none',
  disabled: false,
  builtIn: false,
  mustChangePassword: false,
  totpEnabled: false,
  hostStatus: 'synced',
  lastLoginAt: null,
  passwordChangedAt: null,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
};
const page = <T,>(items: T[]) => ({ items, total: items.length, page: 1, pageSize: 25 });
const lists = {
  'GET /api/users': () => json(200, page([alice])),
  'GET /api/groups': () => json(200, page([])),
};

describe('UsersPage', () => {
  it('shows viewers the list without any button that changes something', async () => {
    mockFetch(lists);
    renderPage(<UsersPage />, { path: '/users', user: { ...adminUser, username: 'vera', role: 'viewer' } });
    expect(await screen.findByText('alice')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Add user/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
  });

  it('lets an admin add a user and puts the API’s field errors on the form', async () => {
    const api = mockFetch({
      ...lists,
      'POST /api/users': () =>
        apiError(422, 'VALIDATION_FAILED', 'Input failed validation.', { requestId: 'req-u1', errors: [{ field: 'username', message: 'is taken by a system account on the host' }] }),
    });
    const user = userEvent.setup();
    renderPage(<UsersPage />, { path: '/users', user: adminUser });
    await user.click(await screen.findByRole('button', { name: /Add user/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Add user' });

    // Zod (from the contract) first: nothing is sent while the form is invalid.
    await user.click(within(dialog).getByRole('button', { name: 'Add user' }));
    expect(await within(dialog).findByText('is required')).toBeTruthy();
    expect(api.to('POST', '/api/users')).toHaveLength(0);

    await user.type(within(dialog).getByLabelText(/Username/), 'bob');
    await user.type(within(dialog).getByLabelText(/^Password/), 'a-long-enough-secret');
    await user.click(within(dialog).getByRole('button', { name: 'Add user' }));

    expect(await within(dialog).findByText('is taken by a system account on the host')).toBeTruthy();
    expect(within(dialog).getByLabelText(/Username/).getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).getByTestId('request-id').textContent).toBe('req-u1');
    expect(api.to('POST', '/api/users')[0].body).toMatchObject({ username: 'bob', password: 'a-long-enough-secret', role: 'none', smbEnabled: true });
  });

  it('names the user in the delete confirmation and refreshes the list after', async () => {
    const api = mockFetch({
      ...lists,
      [`DELETE /api/users/${alice.id}`]: () => json(200, { id: alice.id, provisioning: { status: 'applied', message: 'Linux and Samba accounts removed.' } }),
    });
    const user = userEvent.setup();
    renderPage(<UsersPage />, { path: '/users', user: adminUser });
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete user?' });
    expect(dialog.textContent).toContain('You are about to delete user “alice”.');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText(/User “alice” was deleted. Linux and Samba accounts removed./)).toBeTruthy();
    expect(api.to('DELETE', `/api/users/${alice.id}`)[0].path).toContain('keepFiles=true');
    expect(api.to('GET', '/api/users').length).toBeGreaterThanOrEqual(2);
  });
});
