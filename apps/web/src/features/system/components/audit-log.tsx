import FactCheckIcon from '@mui/icons-material/FactCheck';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Collapse from '@mui/material/Collapse';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { AuditResult, type AuditEntry } from '@moxnas/contracts';
import { Fragment, useState } from 'react';
import { EmptyState } from '../../../components/empty-state';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { StatusChip } from '../../../components/status-chip';
import { formatDateTime } from '../../../lib/format';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useAudit } from '../api/get-audit';
import { FilterSelect } from '../../../components/filter-select';

const RESULT_STATUS = { success: 'ok', failure: 'failed', denied: 'degraded' } as const;

function Json({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  return (
    <Box sx={{ minWidth: 0, flex: 1 }}>
      <Typography variant="caption" sx={{ color: 'text.secondary' }}>
        {label}
      </Typography>
      <Box component="pre" sx={{ m: 0, p: 1, fontSize: 12, bgcolor: 'action.hover', borderRadius: 1, overflow: 'auto', maxHeight: 240 }}>
        {JSON.stringify(value, null, 2)}
      </Box>
    </Box>
  );
}

function Details({ entry }: { entry: AuditEntry }) {
  return (
    <Box sx={{ py: 1.5 }}>
      <Typography variant="body2" sx={{ mb: 1 }}>
        <code>
          {entry.method} {entry.path}
        </code>{' '}
        → {entry.status} · {entry.authMethod}
        {entry.sourceIp ? ` from ${entry.sourceIp}` : ''} · request id <code>{entry.requestId}</code>
      </Typography>
      {entry.message && (
        <Typography variant="body2" sx={{ color: 'error.main', mb: 1 }}>
          {entry.message}
        </Typography>
      )}
      <Box sx={{ display: 'flex', gap: 2, flexDirection: { xs: 'column', md: 'row' } }}>
        <Json label="Before" value={entry.before} />
        <Json label="After" value={entry.after} />
      </Box>
    </Box>
  );
}

export function AuditLog() {
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [result, setResult] = useState<AuditEntry['result'] | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [open, setOpen] = useState<string | null>(null);
  const actorQ = useDebouncedValue(actor.trim());
  const actionQ = useDebouncedValue(action.trim());
  const audit = useAudit({ page, pageSize, actor: actorQ || undefined, action: actionQ || undefined, result });
  const filtered = Boolean(actorQ || actionQ || result);

  return (
    <Card component="section" aria-label="Audit log">
      <CardContent>
        <Typography variant="h3" component="h2" sx={{ mb: 2 }}>
          Audit log
        </Typography>
        <Box sx={{ display: 'flex', gap: 2, mb: 2, flexWrap: 'wrap' }}>
          <TextField size="small" label="User" value={actor} onChange={(e) => { setActor(e.target.value); setPage(1); }} sx={{ width: 160 }} />
          <TextField size="small" label="Operation" placeholder="users. or users.create" value={action} onChange={(e) => { setAction(e.target.value); setPage(1); }} sx={{ width: 220 }} />
          <FilterSelect
            label="Result"
            value={result}
            options={AuditResult.options}
            allLabel="All results"
            onChange={(v) => {
              setResult(v);
              setPage(1);
            }}
            width={150}
          />
        </Box>
        {audit.isPending ? (
          <PageLoader />
        ) : audit.isError ? (
          <ErrorAlert error={audit.error} onRetry={() => void audit.refetch()} />
        ) : audit.data.items.length === 0 ? (
          <EmptyState
            icon={<FactCheckIcon />}
            title={filtered ? 'No entries match' : 'Nothing recorded yet'}
            description={filtered ? 'Widen the filters to see more entries.' : 'Every change made through the dashboard or the API is recorded here, with who made it and what changed.'}
          />
        ) : (
          <>
            <TableContainer>
              <Table size="small" aria-label="Audit entries">
                <TableHead>
                  <TableRow>
                    <TableCell>Time</TableCell>
                    <TableCell>User</TableCell>
                    <TableCell>Operation</TableCell>
                    <TableCell>Target</TableCell>
                    <TableCell>Result</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {audit.data.items.map((e) => (
                    <Fragment key={e.id}>
                      <TableRow hover onClick={() => setOpen(open === e.id ? null : e.id)} sx={{ cursor: 'pointer', '& > td': { borderBottom: open === e.id ? 0 : undefined } }} aria-expanded={open === e.id}>
                        <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</TableCell>
                        <TableCell>{e.actor ?? '—'}</TableCell>
                        <TableCell>
                          <code>{e.action}</code>
                          {e.dryRun && <Chip size="small" variant="outlined" label="dry run" title="Showed what would change; nothing was changed" sx={{ ml: 1 }} />}
                        </TableCell>
                        <TableCell>{e.target ?? '—'}</TableCell>
                        <TableCell>
                          <StatusChip status={RESULT_STATUS[e.result]} label={e.result} />
                        </TableCell>
                      </TableRow>
                      <TableRow>
                        <TableCell colSpan={5} sx={{ py: 0, borderBottom: open === e.id ? undefined : 0 }}>
                          <Collapse in={open === e.id} unmountOnExit>
                            <Details entry={e} />
                          </Collapse>
                        </TableCell>
                      </TableRow>
                    </Fragment>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
            <TablePagination
              component="div"
              count={audit.data.total}
              page={page - 1}
              rowsPerPage={pageSize}
              rowsPerPageOptions={[25, 50, 100]}
              onPageChange={(_, p) => setPage(p + 1)}
              onRowsPerPageChange={(e) => {
                setPageSize(Number(e.target.value));
                setPage(1);
              }}
            />
          </>
        )}
      </CardContent>
    </Card>
  );
}
