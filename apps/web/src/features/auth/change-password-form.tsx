import Stack from '@mui/material/Stack';
import { ChangePasswordRequest, PASSWORD_MIN_LENGTH, type FieldError } from '@moxnas/contracts';
import { useState, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ErrorAlert } from '../../components/error-alert';
import { FormTextField } from '../../components/form-fields';
import { applyFieldErrors, contractResolver } from '../../lib/form';
import { useChangePassword } from './api/change-password';

/** The contract's request plus a repeat of the new password, checked here only. */
const ChangePasswordFormSchema = ChangePasswordRequest.extend({ confirmPassword: z.string() }).refine((v) => v.confirmPassword === v.newPassword, {
  message: 'does not match the new password',
  path: ['confirmPassword'],
});

export interface ChangePasswordFormProps {
  /** Renders the buttons; `submitting` while the request runs. The submit button must be type="submit". */
  actions: (state: { submitting: boolean }) => ReactNode;
  onDone: () => void;
  /** Wraps fields and actions, e.g. DialogContent/DialogActions. */
  layout?: (fields: ReactNode, actions: ReactNode) => ReactNode;
}

export function ChangePasswordForm({ actions, onDone, layout = (f, a) => <>{f}{a}</> }: ChangePasswordFormProps) {
  const mutation = useChangePassword();
  const [failure, setFailure] = useState<{ error: unknown; rest: FieldError[] } | null>(null);
  const { control, handleSubmit, setError, formState } = useForm({
    resolver: contractResolver(ChangePasswordFormSchema),
    defaultValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
    mode: 'onTouched',
  });

  const onSubmit = handleSubmit(async ({ currentPassword, newPassword }) => {
    setFailure(null);
    try {
      await mutation.mutateAsync({ currentPassword, newPassword });
      onDone();
    } catch (error) {
      setFailure({ error, rest: applyFieldErrors(error, setError, ['currentPassword', 'newPassword']) });
    }
  });

  const fields = (
    <Stack spacing={2}>
      <FormTextField control={control} name="currentPassword" label="Current password" type="password" autoComplete="current-password" emptyAs="" autoFocus />
      <FormTextField
        control={control}
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        emptyAs=""
        helperText={`At least ${PASSWORD_MIN_LENGTH} characters; not a common password. It is also your SMB and FTP password.`}
      />
      <FormTextField control={control} name="confirmPassword" label="Repeat the new password" type="password" autoComplete="new-password" emptyAs="" />
      {failure && <ErrorAlert error={failure.error} fieldErrors={failure.rest} />}
    </Stack>
  );
  return (
    <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Change password">
      {layout(fields, actions({ submitting: formState.isSubmitting }))}
    </form>
  );
}
