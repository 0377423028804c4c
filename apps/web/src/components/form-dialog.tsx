import Button from '@mui/material/Button';
import Dialog, { type DialogProps } from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import type { FieldError } from '@moxnas/contracts';
import { useId, useState, type ReactNode } from 'react';
import type { FieldValues, UseFormReturn } from 'react-hook-form';
import { applyFieldErrors, type FieldTargets } from '../lib/form';
import { ErrorAlert } from './error-alert';

export interface FormDialogProps<TIn extends FieldValues, TOut> {
  /** The form, usually from `useContractForm(ContractSchema, defaults)` so zod's rules run before submit. */
  form: UseFormReturn<TIn, unknown, TOut>;
  title: ReactNode;
  /** Label of the submit button ("Add user", "Preview changes"). */
  submitLabel: string;
  /**
   * Sends the validated values. Throw (the ApiError) to fail: a 422's field errors land on the
   * fields named by `fields`, the rest and the message show in the dialog's ErrorAlert.
   */
  onSubmit: (values: TOut) => Promise<unknown>;
  /** Which API field errors belong to which form field; see `FieldTargets`. */
  fields: FieldTargets<TIn>;
  onClose: () => void;
  /** Defaults to true; dialogs that stay mounted pass their own flag (the form is reset on close). */
  open?: boolean;
  /** false keeps the dialog open after a successful submit (a second step, a token shown once). */
  closeOnSuccess?: boolean;
  /** The submit button stays disabled until a field changed (edit dialogs). */
  requireDirty?: boolean;
  submitColor?: 'primary' | 'error';
  maxWidth?: DialogProps['maxWidth'];
  /** Extra buttons left of Cancel (e.g. "Back"). */
  extraActions?: ReactNode;
  /** The fields, rendered inside the dialog's content above the error alert. */
  children: ReactNode;
}

/**
 * A dialog around a react-hook-form form: submit runs the form's resolver (the contract's zod
 * schema), then `onSubmit`; an API error is shown with its message and request id, and a 422's
 * per-field errors are put on the matching fields. Cancel and close reset the form to its defaults.
 *
 * ```tsx
 * const form = useContractForm(CreateGroupRequest, { name: '' });
 * <FormDialog form={form} title="Add group" submitLabel="Add group" fields={['name', 'gid']}
 *   onSubmit={(body) => create.mutateAsync(body)} onClose={close}>
 *   <FormTextField control={form.control} name="name" label="Name" />
 * </FormDialog>
 * ```
 */
export function FormDialog<TIn extends FieldValues, TOut>({
  form,
  title,
  submitLabel,
  onSubmit,
  fields,
  onClose,
  open = true,
  closeOnSuccess = true,
  requireDirty = false,
  submitColor = 'primary',
  maxWidth = 'sm',
  extraActions,
  children,
}: FormDialogProps<TIn, TOut>) {
  const titleId = useId();
  const [failure, setFailure] = useState<{ error: unknown; rest: FieldError[] } | null>(null);
  const { isSubmitting, isDirty } = form.formState;

  const close = () => {
    form.reset();
    setFailure(null);
    onClose();
  };

  const submit = form.handleSubmit(async (values) => {
    setFailure(null);
    try {
      await onSubmit(values);
    } catch (error) {
      setFailure({ error, rest: applyFieldErrors(error, form.setError, fields) });
      return;
    }
    if (closeOnSuccess) close();
  });

  return (
    <Dialog open={open} onClose={isSubmitting ? undefined : close} maxWidth={maxWidth} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <form noValidate onSubmit={(e) => void submit(e)}>
        <DialogContent dividers>
          {children}
          {failure && <ErrorAlert error={failure.error} fieldErrors={failure.rest} sx={{ mt: 2 }} />}
        </DialogContent>
        <DialogActions>
          {extraActions}
          <Button onClick={close} disabled={isSubmitting}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" color={submitColor} loading={isSubmitting} disabled={requireDirty && !isDirty}>
            {submitLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
