import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { ConfigDocument, ConfigExportRequest, type ConfigImportResult, type FieldError } from '@moxnas/contracts';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorAlert } from '../../../components/error-alert';
import { FormTextField } from '../../../components/form-fields';
import { applyFieldErrors, contractResolver } from '../../../lib/form';
import { useExportConfig, useImportConfig } from '../api/config-backup';

const ExportForm = ConfigExportRequest.extend({ confirm: z.string() }).refine((v) => v.confirm === v.passphrase, { message: 'does not match the passphrase', path: ['confirm'] });

function download(document: ConfigDocument) {
  const blob = new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = Object.assign(window.document.createElement('a'), { href: url, download: `moxnas-config-${document.hostname}-${document.createdAt.slice(0, 10)}.json` });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function ExportPanel() {
  const exporter = useExportConfig();
  const [failure, setFailure] = useState<{ error: unknown; rest: FieldError[] } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { control, handleSubmit, setError, reset, formState } = useForm({ resolver: contractResolver(ExportForm), defaultValues: { passphrase: '', confirm: '' } });
  const onSubmit = handleSubmit(async ({ passphrase }) => {
    setFailure(null);
    setDone(null);
    try {
      const document = await exporter.mutateAsync({ passphrase });
      download(document);
      setDone(`Downloaded ${document.sections.length} sections (${document.sections.map((s) => s.name).join(', ')}).`);
      reset();
    } catch (error) {
      setFailure({ error, rest: applyFieldErrors(error, setError, ['passphrase']) });
    }
  });
  return (
    <form noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Export configuration">
      <Typography variant="h4" component="h3" sx={{ mb: 1 }}>
        Export
      </Typography>
      <Typography variant="body2" sx={{ color: 'text.secondary', mb: 2 }}>
        Everything MoxNAS manages — users, groups, shares, services, storage, alerts — in one encrypted file. Keep the passphrase: without it nobody can read
        the file, MoxNAS included.
      </Typography>
      <Stack spacing={2}>
        <FormTextField control={control} name="passphrase" label="Passphrase" type="password" autoComplete="new-password" emptyAs="" helperText="At least 12 characters" />
        <FormTextField control={control} name="confirm" label="Repeat the passphrase" type="password" autoComplete="new-password" emptyAs="" />
        {failure && <ErrorAlert error={failure.error} fieldErrors={failure.rest} />}
        {done && <Alert severity="success">{done}</Alert>}
        <Box>
          <Button type="submit" variant="contained" loading={formState.isSubmitting}>
            Export and download
          </Button>
        </Box>
      </Stack>
    </form>
  );
}

function Preview({ result }: { result: ConfigImportResult }) {
  return (
    <Box component="ul" sx={{ listStyle: 'none', p: 0, m: 0 }} aria-label={result.dryRun ? 'Import preview' : 'Import result'}>
      {result.sections.map((s) => (
        <Box component="li" key={s.name} sx={{ py: 0.75, borderBottom: 1, borderColor: 'divider' }}>
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
            <Typography variant="body2" sx={{ fontWeight: 600, flex: 1 }}>
              {s.name}
            </Typography>
            <Chip label={s.status} color={s.status === 'failed' ? 'error' : s.status === 'changed' ? 'primary' : 'default'} variant="outlined" />
          </Box>
          {s.message && <Typography variant="caption">{s.message}</Typography>}
          {s.changes.map((c, i) => (
            <Typography key={i} variant="body2" sx={{ color: c.action === 'delete' ? 'error.main' : c.action === 'create' ? 'success.main' : 'text.primary' }}>
              {c.action} {c.kind} “{c.name}”{c.fields.length ? `: ${c.fields.join(', ')}` : ''}
            </Typography>
          ))}
        </Box>
      ))}
    </Box>
  );
}

function ImportPanel() {
  const importer = useImportConfig();
  const [document, setDocument] = useState<ConfigDocument | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [preview, setPreview] = useState<ConfigImportResult | null>(null);
  const [result, setResult] = useState<ConfigImportResult | null>(null);
  const [confirming, setConfirming] = useState(false);

  const readFile = async (file: File | undefined) => {
    setDocument(null);
    setPreview(null);
    setResult(null);
    setFileError(null);
    if (!file) return;
    try {
      const parsed = ConfigDocument.safeParse(JSON.parse(await file.text()));
      if (parsed.success) setDocument(parsed.data);
      else setFileError(`${file.name} is not a MoxNAS configuration export.`);
    } catch {
      setFileError(`${file.name} is not JSON.`);
    }
  };
  const run = (dryRun: boolean) => {
    if (!document) return;
    importer.mutate(
      { document, passphrase, dryRun },
      {
        onSuccess: (r) => {
          if (dryRun) setPreview(r);
          else {
            setResult(r);
            setPreview(null);
            setConfirming(false);
          }
        },
      },
    );
  };
  const changed = preview?.sections.filter((s) => s.status === 'changed').length ?? 0;

  return (
    <Box aria-label="Import configuration" component="section">
      <Typography variant="h4" component="h3" sx={{ mb: 1 }}>
        Import
      </Typography>
      <Typography variant="body2" sx={{ color: 'text.secondary', mb: 2 }}>
        Replaces the desired state with the file’s, then rebuilds the host from it. Preview the changes first; nothing is written until you import.
      </Typography>
      <Stack spacing={2}>
        <Button variant="outlined" component="label">
          {document ? `File from ${document.hostname}, ${document.createdAt.slice(0, 10)}` : 'Choose export file…'}
          <input hidden type="file" accept="application/json,.json" onChange={(e) => void readFile(e.target.files?.[0])} />
        </Button>
        {fileError && <Alert severity="error">{fileError}</Alert>}
        <TextField label="Passphrase" type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} disabled={!document} autoComplete="off" />
        {importer.isError && !confirming && <ErrorAlert error={importer.error} />}
        <Box>
          <Button variant="contained" disabled={!document || !passphrase} loading={importer.isPending && !confirming} onClick={() => run(true)}>
            Preview changes
          </Button>
        </Box>
        {preview && (
          <>
            <Preview result={preview} />
            <Box>
              <Button variant="contained" color="warning" disabled={changed === 0} onClick={() => setConfirming(true)}>
                {changed === 0 ? 'Nothing to import' : `Import ${changed} changed section${changed === 1 ? '' : 's'}`}
              </Button>
            </Box>
          </>
        )}
        {result && (
          <>
            <Alert severity={result.applied ? 'success' : 'error'}>{result.applied ? 'Imported. The host is being reconciled from the new state.' : 'Nothing was imported.'}</Alert>
            <Preview result={result} />
          </>
        )}
      </Stack>
      <ConfirmDialog
        open={confirming}
        title="Import configuration?"
        subject={document ? `the configuration exported from ${document.hostname} on ${document.createdAt.slice(0, 10)}` : ''}
        consequences={`${changed} section(s) of this NAS are replaced by the file’s, as previewed. Shares, users and services are reconfigured at once.`}
        confirmLabel="Import"
        pending={importer.isPending}
        error={importer.error}
        onClose={() => {
          setConfirming(false);
          importer.reset();
        }}
        onConfirm={() => run(false)}
      />
    </Box>
  );
}

export function ConfigBackupCard() {
  return (
    <Card component="section" aria-label="Configuration backup">
      <CardContent>
        <Typography variant="h3" component="h2" sx={{ mb: 2 }}>
          Configuration backup
        </Typography>
        <Grid container spacing={4}>
          <Grid size={{ xs: 12, md: 6 }}>
            <ExportPanel />
          </Grid>
          <Grid size={{ xs: 12, md: 6 }}>
            <ImportPanel />
          </Grid>
        </Grid>
      </CardContent>
    </Card>
  );
}
