import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { useContractForm } from '../lib/form';
import { adminUser, renderPage } from '../testing/render';
import { FormDialog } from './form-dialog';
import { FormSelectField, FormTextField } from './form-fields';

// Fields with a default value and no `emptyAs`: empty means "leave it out" (a token that never
// expires, a UID left as it is), which react-hook-form alone shows as the default again.
const Schema = z.object({
  expiresInDays: z.number().int().min(1).optional(),
  label: z.string().min(1).optional(),
  limits: z.object({ maxSize: z.string().optional() }),
  comment: z.string().nullable().optional(),
  shell: z.enum(['/bin/bash', '/bin/sh']).optional(),
});
type Values = z.input<typeof Schema>;
const DEFAULTS: Values = { expiresInDays: 90, label: 'backup', limits: { maxSize: '1T' }, comment: 'old', shell: '/bin/bash' };

function Harness({ onSubmit }: { onSubmit: (v: z.output<typeof Schema>) => Promise<unknown> }) {
  const form = useContractForm(Schema, DEFAULTS);
  const { control } = form;
  return (
    <FormDialog form={form} title="Edit thing" submitLabel="Save" fields={['expiresInDays']} onClose={() => undefined} onSubmit={onSubmit}>
      <FormTextField control={control} name="expiresInDays" label="Expires after (days)" numeric />
      <FormTextField control={control} name="label" label="Label" />
      <FormTextField control={control} name="limits.maxSize" label="Size limit" />
      <FormTextField control={control} name="comment" label="Comment" emptyAs={null} />
      <FormSelectField
        control={control}
        name="shell"
        label="Shell"
        emptyLabel="Unchanged"
        options={[
          { value: '/bin/bash', label: 'bash' },
          { value: '/bin/sh', label: 'sh' },
        ]}
      />
    </FormDialog>
  );
}

describe('form fields', () => {
  it('lets a field with a default value be emptied and leaves it out of the submitted values', async () => {
    const onSubmit = vi.fn((_values: z.output<typeof Schema>) => Promise.resolve());
    const user = userEvent.setup();
    renderPage(<Harness onSubmit={onSubmit} />, { user: adminUser });
    const dialog = await screen.findByRole('dialog', { name: 'Edit thing' });
    const days = within(dialog).getByLabelText<HTMLInputElement>('Expires after (days)');
    const size = within(dialog).getByLabelText<HTMLInputElement>('Size limit');
    expect(days.value).toBe('90');

    await user.clear(days);
    await user.clear(size);
    await user.clear(within(dialog).getByLabelText('Comment'));
    await user.tab();
    // The boxes stay empty instead of showing the defaults again.
    expect(days.value).toBe('');
    expect(size.value).toBe('');

    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    const [values] = onSubmit.mock.calls[0];
    expect(values).toEqual({ label: 'backup', limits: {}, comment: null, shell: '/bin/bash' });
    expect('expiresInDays' in values).toBe(false);
  });

  it('still checks an emptied field that the schema needs', async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    const user = userEvent.setup();
    const Required = z.object({ name: z.string().min(1) });
    function RequiredHarness() {
      const form = useContractForm(Required, { name: 'tank' });
      return (
        <FormDialog form={form} title="Name it" submitLabel="Save" fields={['name']} onClose={() => undefined} onSubmit={onSubmit}>
          <FormTextField control={form.control} name="name" label="Name" />
        </FormDialog>
      );
    }
    renderPage(<RequiredHarness />, { user: adminUser });
    const dialog = await screen.findByRole('dialog', { name: 'Name it' });
    await user.clear(within(dialog).getByLabelText('Name'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('Required')).toBeTruthy();
    expect(within(dialog).getByLabelText<HTMLInputElement>('Name').value).toBe('');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('sends a field the form started empty as the empty string, so the contract’s own message shows', async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    const user = userEvent.setup();
    const Named = z.object({ name: z.string().min(1, 'is required') });
    function EmptyHarness() {
      const form = useContractForm(Named, { name: '' });
      return (
        <FormDialog form={form} title="Name it" submitLabel="Save" fields={['name']} onClose={() => undefined} onSubmit={onSubmit}>
          <FormTextField control={form.control} name="name" label="Name" />
        </FormDialog>
      );
    }
    renderPage(<EmptyHarness />, { user: adminUser });
    const dialog = await screen.findByRole('dialog', { name: 'Name it' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('is required')).toBeTruthy();
    // Typed and emptied again: the same.
    await user.type(within(dialog).getByLabelText('Name'), 'x');
    await user.clear(within(dialog).getByLabelText('Name'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('is required')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('lets a select with a default value go back to its empty choice', async () => {
    const onSubmit = vi.fn((_values: z.output<typeof Schema>) => Promise.resolve());
    const user = userEvent.setup();
    renderPage(<Harness onSubmit={onSubmit} />, { user: adminUser });
    const dialog = await screen.findByRole('dialog', { name: 'Edit thing' });
    await user.click(within(dialog).getByRole('combobox', { name: 'Shell' }));
    await user.click(await screen.findByRole('option', { name: 'Unchanged' }));
    expect(within(dialog).getByRole('combobox', { name: 'Shell' }).textContent).toBe('Unchanged');

    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect('shell' in onSubmit.mock.calls[0][0]).toBe(false);
  });
});
