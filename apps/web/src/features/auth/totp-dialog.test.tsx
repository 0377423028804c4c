import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { meQueryKey } from '../../lib/auth';
import { apiError, json, mockFetch } from '../../testing/fetch-mock';
import { adminUser, renderPage } from '../../testing/render';
import { TotpDialog } from './totp-dialog';

const enrolment = { secret: 'JBSWY3DPEHPK3PXP', otpauthUrl: 'otpauth://totp/MoxNAS:admin?secret=JBSWY3DPEHPK3PXP&issuer=MoxNAS' };

describe('TotpDialog', () => {
  it('shows the secret and otpauth link as text and turns TOTP on with a confirmed code', async () => {
    const api = mockFetch({
      'POST /api/auth/totp/enrol': () => json(200, enrolment),
      'POST /api/auth/totp/confirm': [
        () => apiError(422, 'VALIDATION_FAILED', 'Input failed validation.', { requestId: 'req-totp', errors: [{ field: 'code', message: 'is not the current code' }] }),
        () => json(200, { ...adminUser, totpEnabled: true }),
      ],
    });
    const user = userEvent.setup();
    const { queryClient } = renderPage(<TotpDialog onClose={vi.fn()} />, { user: adminUser });
    await user.click(await screen.findByRole('button', { name: 'Show the secret' }));
    const dialog = await screen.findByRole('dialog', { name: 'Set up two-factor authentication' });
    expect((await within(dialog).findByLabelText('Secret')).textContent).toBe(enrolment.secret);
    expect(within(dialog).getByLabelText('otpauth link').textContent).toBe(enrolment.otpauthUrl);

    // The contract's rule first: six digits, nothing sent otherwise.
    await user.type(within(dialog).getByLabelText('Code from the app'), '12');
    await user.click(within(dialog).getByRole('button', { name: 'Turn on' }));
    expect(await within(dialog).findByText('six digits')).toBeTruthy();
    expect(api.to('POST', '/api/auth/totp/confirm')).toHaveLength(0);

    await user.type(within(dialog).getByLabelText('Code from the app'), '3456');
    await user.click(within(dialog).getByRole('button', { name: 'Turn on' }));
    expect(await within(dialog).findByText('is not the current code')).toBeTruthy();
    expect(within(dialog).getByTestId('request-id').textContent).toBe('req-totp');

    await user.click(within(dialog).getByRole('button', { name: 'Turn on' }));
    expect((await screen.findByRole('dialog', { name: 'Two-factor authentication' })).textContent).toContain('is on');
    expect(api.to('POST', '/api/auth/totp/confirm').at(-1)?.body).toEqual({ code: '123456' });
    expect(queryClient.getQueryData<{ totpEnabled: boolean }>(meQueryKey)?.totpEnabled).toBe(true);
  });

  it('turns TOTP off with the password when it is on', async () => {
    const api = mockFetch({ 'POST /api/auth/totp/disable': () => json(200, { ...adminUser, totpEnabled: false }) });
    const user = userEvent.setup();
    renderPage(<TotpDialog onClose={vi.fn()} />, { user: { ...adminUser, totpEnabled: true } });
    const dialog = await screen.findByRole('dialog', { name: 'Two-factor authentication' });
    expect(api.to('POST', '/api/auth/totp/enrol')).toHaveLength(0);
    await user.type(within(dialog).getByLabelText('Password'), 'secret-password');
    await user.click(within(dialog).getByRole('button', { name: 'Turn off' }));
    expect((await screen.findByRole('dialog', { name: 'Two-factor authentication' })).textContent).toContain('is off');
    expect(api.to('POST', '/api/auth/totp/disable')[0].body).toEqual({ password: 'secret-password' });
  });
});
