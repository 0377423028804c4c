import type { DialogProps } from '@mui/material/Dialog';
import type { ApplyResult } from '@moxnas/contracts';
import { useState, type ReactNode } from 'react';
import type { FieldValues, UseFormReturn } from 'react-hook-form';
import { FormDialog } from '../../../components/form-dialog';
import { applyFieldErrors, type FieldTargets } from '../../../lib/form';
import { changedFields } from './field-targets';
import { ReviewDialog } from './review-dialog';

export interface ShareFormFlowProps<TIn extends FieldValues, TOut, TBody, TResult extends { apply: ApplyResult }> {
  form: UseFormReturn<TIn, unknown, TOut>;
  title: string;
  fields: FieldTargets<TIn>;
  /** The request body from the validated values (an edit sends only what changed). */
  toBody: (values: TOut) => TBody;
  /** The same endpoint twice: first with `dryRun`, then for real with the same body. */
  send: (body: TBody, dryRun: boolean) => Promise<TResult>;
  onApplied: (result: TResult) => void;
  onClose: () => void;
  /** Edit dialogs: nothing to preview until a field changed. */
  requireDirty?: boolean;
  maxWidth?: DialogProps['maxWidth'];
  children: ReactNode;
}

/**
 * Create and edit: the form, "Preview changes" (a dry run answering the diff of every file), then
 * "Apply" with exactly the body that was previewed. Field errors of either call land on the form.
 */
export function ShareFormFlow<TIn extends FieldValues, TOut, TBody, TResult extends { apply: ApplyResult }>({
  form,
  title,
  fields,
  toBody,
  send,
  onApplied,
  onClose,
  requireDirty,
  maxWidth = 'md',
  children,
}: ShareFormFlowProps<TIn, TOut, TBody, TResult>) {
  const [preview, setPreview] = useState<{ body: TBody; apply: ApplyResult } | null>(null);

  const close = () => {
    form.reset();
    onClose();
  };

  return (
    <>
      <FormDialog
        open={preview === null}
        form={form}
        title={title}
        submitLabel="Preview changes"
        fields={fields}
        maxWidth={maxWidth}
        closeOnSuccess={false}
        requireDirty={requireDirty}
        onClose={onClose}
        onSubmit={async (values) => {
          const body = toBody(values);
          const result = await send(body, true);
          setPreview({ body, apply: result.apply });
        }}
      >
        {children}
      </FormDialog>
      <ReviewDialog
        open={preview !== null}
        title={`${title}: review changes`}
        preview={preview?.apply ?? null}
        summary="These are the configuration files this change rewrites. Nothing has been changed yet."
        onBack={() => setPreview(null)}
        onClose={close}
        onApply={async () => {
          if (!preview) return;
          try {
            onApplied(await send(preview.body, false));
          } catch (error) {
            // A field the apply refused (a name taken since the preview) is marked for "Back".
            applyFieldErrors(error, form.setError, fields);
            throw error;
          }
        }}
      />
    </>
  );
}

/**
 * An edit: nothing to preview until a field changed, and the body carries only the changed fields
 * (or what `toBody` makes of them).
 */
export function ShareEditFlow<TIn extends FieldValues, TOut extends object, TResult extends { apply: ApplyResult }>({
  toBody,
  ...props
}: Omit<ShareFormFlowProps<TIn, TOut, Partial<TOut>, TResult>, 'requireDirty' | 'toBody'> & { toBody?: (values: TOut) => Partial<TOut> }) {
  const changed = (values: TOut) => changedFields(values, props.form.formState.dirtyFields as Partial<Record<keyof TOut, unknown>>);
  return <ShareFormFlow {...props} requireDirty toBody={toBody ?? changed} />;
}
