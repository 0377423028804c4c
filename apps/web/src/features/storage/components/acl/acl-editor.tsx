import Alert from '@mui/material/Alert';
import Typography from '@mui/material/Typography';
import type { AclDryRun, PathAcl } from '@moxnas/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { FormDialog } from '../../../../components/form-dialog';
import { FormSwitch } from '../../../../components/form-fields';
import { applyFieldErrors, useContractForm } from '../../../../lib/form';
import { aclKeys, useApplyAcl, usePreviewAcl, type AclSetVars } from '../../api/acl';
import { AclCurrent } from './acl-current';
import { AclEntriesEditor } from './acl-entries-editor';
import { AclForm, aclFieldTarget, formValuesOf, type AclFormValues } from './acl-form-values';
import { AclReviewDialog } from './acl-review-dialog';

export interface AclEditorProps {
  datasetId: string;
  acl: PathAcl;
  title: string;
  /** The path field, shown above the ACL. */
  pathBar: ReactNode;
  onClose: () => void;
  /** A recursive change became a job: the dialog closes with this sentence. */
  onJob: (message: string) => void;
}

/** The ACL of one path and the editor of its named entries: Preview (a dry run), then Apply. */
export function AclEditor({ datasetId, acl, title, pathBar, onClose, onJob }: AclEditorProps) {
  const queryClient = useQueryClient();
  const form = useContractForm(AclForm, formValuesOf(acl));
  const preview = usePreviewAcl();
  const apply = useApplyAcl();
  const [review, setReview] = useState<{ vars: AclSetVars; result: AclDryRun } | null>(null);
  const [applied, setApplied] = useState(false);
  const where = acl.relativePath || 'the dataset root';

  const toVars = (v: AclFormValues): AclSetVars => ({ datasetId, path: acl.relativePath, recursive: acl.type === 'directory' && v.recursive, body: { entries: v.entries } });
  const runApply = async (vars: AclSetVars) => {
    try {
      const done = await apply.mutateAsync(vars);
      setReview(null);
      if (done.kind === 'job') return onJob(`Setting the ACL of ${where} and everything below; progress is on the System page under Jobs.`);
      queryClient.setQueryData(aclKeys.path(datasetId, acl.relativePath), done.acl);
      form.reset(formValuesOf(done.acl));
      setApplied(true);
    } catch (error) {
      applyFieldErrors(error, form.setError, aclFieldTarget);
      throw error;
    }
  };

  return (
    <>
      <FormDialog
        open={review === null}
        form={form}
        title={title}
        submitLabel="Preview"
        fields={aclFieldTarget}
        closeOnSuccess={false}
        maxWidth="md"
        onClose={onClose}
        onSubmit={async (values) => {
          setApplied(false);
          const vars = toVars(values);
          setReview({ vars, result: await preview.mutateAsync(vars) });
        }}
      >
        {pathBar}
        {applied && (
          <Alert severity="success" onClose={() => setApplied(false)} sx={{ mb: 2 }}>
            The ACL of {where} was applied.
          </Alert>
        )}
        <AclCurrent acl={acl} />
        <Typography variant="subtitle2">Named entries and mask</Typography>
        <AclEntriesEditor control={form.control} setValue={form.setValue} />
        {acl.type === 'directory' && (
          <FormSwitch control={form.control} name="recursive" label="Also apply to everything below" helperText="Runs as a job; default entries go to directories only." />
        )}
      </FormDialog>
      {review && <AclReviewDialog title={`${title}: review changes`} preview={review.result} onBack={() => setReview(null)} onClose={onClose} onApply={() => runApply(review.vars)} />}
    </>
  );
}
