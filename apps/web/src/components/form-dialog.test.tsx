import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../lib/api-client';
import { useContractForm } from '../lib/form';
import { adminUser, renderPage } from '../testing/render';
import { FormDialog } from './form-dialog';
import { FormTextField } from './form-fields';

const Schema = z.object({ name: z.string().min(1), sizeGiB: z.number().min(1) });

function Harness({ onSubmit, onClose, closeOnSuccess }: { onSubmit: (v: z.output<typeof Schema>) => Promise<unknown>; onClose: () => void; closeOnSuccess?: boolean }) {
  const form = useContractForm(Schema, { name: '', sizeGiB: 1 });
  return (
    <FormDialog
      form={form}
      title="Make thing"
      submitLabel="Make"
      // The API calls the size sizeBytes; the form shows GiB.
      fields={(f) => (f === 'sizeBytes' ? 'sizeGiB' : f === 'name' ? 'name' : undefined)}
      closeOnSuccess={closeOnSuccess}
      onClose={onClose}
      onSubmit={onSubmit}
    >
      <FormTextField control={form.control} name="name" label="Name" emptyAs="" />
      <FormTextField control={form.control} name="sizeGiB" label="Size" numeric />
    </FormDialog>
  );
}

const validation = () =>
  new ApiError({
    status: 422,
    code: 'VALIDATION_FAILED',
    message: 'Input failed validation.',
    requestId: 'req-fd-1',
    fieldErrors: [
      { field: 'sizeBytes', message: 'exceeds the pool' },
      { field: 'owner', message: 'no such user' },
    ],
  });

describe('FormDialog', () => {
  it('runs the schema before submitting: nothing is sent while a field is invalid', async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    const user = userEvent.setup();
    renderPage(<Harness onSubmit={onSubmit} onClose={() => undefined} />, { user: adminUser });
    const dialog = await screen.findByRole('dialog', { name: 'Make thing' });
    await user.click(within(dialog).getByRole('button', { name: 'Make' }));
    expect(await within(dialog).findByText('Required')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('puts a 422’s field errors on the mapped fields, lists the rest with the request id, and stays open', async () => {
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderPage(<Harness onSubmit={() => Promise.reject(validation())} onClose={onClose} />, { user: adminUser });
    const dialog = await screen.findByRole('dialog', { name: 'Make thing' });
    await user.type(within(dialog).getByLabelText('Name'), 'box');
    await user.click(within(dialog).getByRole('button', { name: 'Make' }));

    expect(await within(dialog).findByText('exceeds the pool')).toBeTruthy();
    expect(within(dialog).getByLabelText('Size').getAttribute('aria-invalid')).toBe('true');
    // The unmapped error is listed in the alert, not on a field.
    const alert = within(dialog).getByRole('alert');
    expect(alert.textContent).toContain('owner: no such user');
    expect(alert.textContent).not.toContain('exceeds the pool');
    expect(within(dialog).getByTestId('request-id').textContent).toBe('req-fd-1');
    expect(onClose).not.toHaveBeenCalled();
  });

  it('closes after a successful submit unless told to stay open', async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    const onClose = vi.fn();
    const user = userEvent.setup();
    const { unmount } = renderPage(<Harness onSubmit={onSubmit} onClose={onClose} />, { user: adminUser });
    await user.type(await screen.findByLabelText('Name'), 'box');
    await user.click(screen.getByRole('button', { name: 'Make' }));
    await vi.waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
    expect(onSubmit).toHaveBeenCalledWith({ name: 'box', sizeGiB: 1 });
    unmount();

    const stay = vi.fn();
    renderPage(<Harness onSubmit={() => Promise.resolve()} onClose={stay} closeOnSuccess={false} />, { user: adminUser });
    await user.type(await screen.findByLabelText('Name'), 'box');
    await user.click(screen.getByRole('button', { name: 'Make' }));
    await new Promise((r) => setTimeout(r, 50));
    expect(stay).not.toHaveBeenCalled();
  });
});
