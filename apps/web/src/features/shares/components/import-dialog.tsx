import UploadFileIcon from '@mui/icons-material/UploadFile';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ShareImportRequest, type ImportNote, type ShareImportReport } from '@moxnas/contracts';
import { useId, useRef, useState } from 'react';
import { Controller, useWatch, type Control, type UseFormSetValue } from 'react-hook-form';
import { ErrorAlert } from '../../../components/error-alert';
import { FormDialog } from '../../../components/form-dialog';
import { FormSwitch, FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
import { useImportShares, type ShareImportInput } from '../api/shares';

const FIELDS = ['source', 'smbConf', 'exports', 'vsftpdConf', 'createDirectories', 'confirmAnonymous'] as const;
const FILES = [
  { name: 'smbConf', label: 'smb.conf', hint: 'Samba shares: one [section] each' },
  { name: 'exports', label: '/etc/exports', hint: 'NFS exports: one line each' },
  { name: 'vsftpdConf', label: 'vsftpd.conf', hint: 'FTP: local_root and anonymous access' },
] as const;

/** A config text typed or pasted, or read from a file the admin picks. */
function ConfigFileField({ control, setValue, name, label, hint }: { control: Control<ShareImportInput>; setValue: UseFormSetValue<ShareImportInput>; name: (typeof FILES)[number]['name']; label: string; hint: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', mb: 0.5 }}>
        <Typography variant="subtitle2">{label}</Typography>
        <Button size="small" startIcon={<UploadFileIcon />} onClick={() => input.current?.click()}>
          Load file
        </Button>
        <input
          ref={input}
          type="file"
          hidden
          aria-label={`Load ${label} from a file`}
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) setValue(name, await file.text(), { shouldDirty: true, shouldValidate: true });
            e.target.value = '';
          }}
        />
      </Box>
      <FormTextField
        control={control}
        name={name}
        label={`${label} contents`}
        multiline
        minRows={3}
        maxRows={10}
        fullWidth
        helperText={hint}
        slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace', fontSize: 12 } } }}
      />
    </Box>
  );
}

function noteText(n: ImportNote): string {
  return `${n.file}${n.line !== null ? `:${n.line}` : ''}${n.section ? ` [${n.section}]` : ''} — ${n.text}: ${n.reason}`;
}

function Notes({ notes, label }: { notes: readonly ImportNote[]; label: string }) {
  if (notes.length === 0) return null;
  return (
    <Box component="ul" aria-label={label} sx={{ m: 0, mt: 0.5, pl: 2.5, color: 'text.secondary' }}>
      {notes.map((n, i) => (
        <li key={i}>
          <Typography variant="caption" component="span" sx={{ fontFamily: 'monospace' }}>
            {noteText(n)}
          </Typography>
        </li>
      ))}
    </Box>
  );
}

interface Row {
  protocol: 'SMB' | 'NFS' | 'FTP';
  title: string;
  path: string;
  source: string;
  errors: { field: string; message: string }[];
  notes: ImportNote[];
}

function rowsOf(report: ShareImportReport): Row[] {
  return [
    ...report.smb.map((p) => ({ protocol: 'SMB' as const, title: p.share.name, path: p.share.path, source: p.source, errors: p.errors, notes: p.notes })),
    ...report.nfs.map((p) => ({ protocol: 'NFS' as const, title: p.share.path, path: `${p.share.clients.length} client(s)`, source: p.source, errors: p.errors, notes: p.notes })),
    ...report.ftp.map((p) => ({ protocol: 'FTP' as const, title: p.share.name, path: p.share.path, source: p.source, errors: p.errors, notes: p.notes })),
  ];
}

/** What a dry run found: each proposal with why it would be skipped and what was not taken over. */
export function ImportProposals({ report }: { report: ShareImportReport }) {
  const rows = rowsOf(report);
  return (
    <Stack spacing={1.5}>
      {rows.length === 0 && <Alert severity="info">No shares were found in these files.</Alert>}
      {rows.map((r, i) => (
        <Box key={i} component="section" aria-label={`${r.protocol} ${r.title}`} sx={{ border: 1, borderColor: r.errors.length ? 'error.main' : 'divider', borderRadius: 1, p: 1.5 }}>
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
            <Chip size="small" label={r.protocol} />
            <Typography variant="body2" sx={{ fontWeight: 600 }}>
              {r.title}
            </Typography>
            <Typography variant="body2" sx={{ color: 'text.secondary', fontFamily: 'monospace' }}>
              {r.path}
            </Typography>
            <Box sx={{ flex: 1 }} />
            <Typography variant="caption" sx={{ color: 'text.secondary' }}>
              from {r.source}
            </Typography>
            {r.errors.length ? <Chip size="small" color="error" label="skipped" /> : <Chip size="small" color="success" label="will be created" />}
          </Box>
          {r.errors.length > 0 && (
            <Box component="ul" sx={{ m: 0, mt: 0.5, pl: 2.5, color: 'error.main' }}>
              {r.errors.map((e, j) => (
                <li key={j}>
                  <Typography variant="body2">
                    {e.field ? <strong>{e.field}: </strong> : null}
                    {e.message}
                  </Typography>
                </li>
              ))}
            </Box>
          )}
          <Notes notes={r.notes} label={`Notes on ${r.title}`} />
        </Box>
      ))}
      {report.notes.length > 0 && (
        <Box>
          <Typography variant="subtitle2">Not taken over</Typography>
          <Notes notes={report.notes} label="Notes on the files" />
        </Box>
      )}
    </Stack>
  );
}

export function countCreatable(report: ShareImportReport): number {
  return [...report.smb, ...report.nfs, ...report.ftp].filter((p) => p.errors.length === 0).length;
}

export function ImportDialog({ onClose, onImported }: { onClose: () => void; onImported: (report: ShareImportReport) => void }) {
  const titleId = useId();
  const run = useImportShares();
  const form = useContractForm(ShareImportRequest, { source: 'host', createDirectories: false, confirmAnonymous: false });
  const source = useWatch({ control: form.control, name: 'source' });
  const [preview, setPreview] = useState<{ body: ShareImportInput; report: ShareImportReport } | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const creatable = preview ? countCreatable(preview.report) : 0;

  const apply = async () => {
    if (!preview) return;
    setPending(true);
    setError(null);
    try {
      onImported(await run.mutateAsync({ body: preview.body, dryRun: false }));
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <>
      <FormDialog
        open={preview === null}
        form={form}
        title="Import shares"
        submitLabel="Find shares"
        fields={FIELDS}
        maxWidth="md"
        closeOnSuccess={false}
        onClose={onClose}
        onSubmit={async (values) => {
          // Host import reads the box's own files; pasted texts would only confuse the request.
          const body: ShareImportInput = values.source === 'host' ? { source: 'host', createDirectories: values.createDirectories, confirmAnonymous: values.confirmAnonymous } : values;
          setPreview({ body, report: await run.mutateAsync({ body, dryRun: true }) });
        }}
      >
        <Typography variant="body2" sx={{ color: 'text.secondary', mb: 2 }}>
          MoxNAS reads existing Samba, NFS and vsftpd configuration and proposes a share for each one it understands. Nothing is created until you confirm.
        </Typography>
        <Controller
          control={form.control}
          name="source"
          render={({ field }) => (
            <RadioGroup {...field} aria-label="Source">
              <FormControlLabel value="host" control={<Radio />} label="The files on this host (as found at first start)" />
              <FormControlLabel value="upload" control={<Radio />} label="Files I paste or upload" />
            </RadioGroup>
          )}
        />
        {source === 'upload' && (
          <Stack spacing={2} sx={{ mt: 2 }}>
            {FILES.map((f) => (
              <ConfigFileField key={f.name} control={form.control} setValue={form.setValue} name={f.name} label={f.label} hint={f.hint} />
            ))}
          </Stack>
        )}
        <Box sx={{ mt: 2 }}>
          <FormSwitch control={form.control} name="createDirectories" label="Create missing directories" helperText="Off: shares whose directory is missing are skipped" />
          <FormSwitch
            control={form.control}
            name="confirmAnonymous"
            label="Also create anonymous FTP shares"
            helperText="Off: anonymous FTP found in vsftpd.conf is skipped. On: anyone who reaches the FTP port can read those shares."
          />
        </Box>
      </FormDialog>

      <Dialog open={preview !== null} onClose={pending ? undefined : onClose} maxWidth="md" fullWidth aria-labelledby={titleId}>
        <DialogTitle id={titleId}>Import shares: proposals</DialogTitle>
        <DialogContent dividers>
          {preview && <ImportProposals report={preview.report} />}
          {error ? <ErrorAlert error={error} sx={{ mt: 2 }} /> : null}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setPreview(null)} disabled={pending}>
            Back
          </Button>
          <Button onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button variant="contained" loading={pending} disabled={creatable === 0} onClick={() => void apply()}>
            {`Create ${creatable} share${creatable === 1 ? '' : 's'}`}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
