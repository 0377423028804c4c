import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { SxProps, Theme } from '@mui/material/styles';
import type { FieldError } from '@moxnas/contracts';
import { useState } from 'react';
import { isApiError } from '../lib/api-client';

const TITLES: Partial<Record<string, string>> = {
  VALIDATION_FAILED: 'Please check the highlighted fields',
  UNAUTHORIZED: 'Not signed in',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  LOCKED: 'Locked',
  RATE_LIMITED: 'Too many attempts',
  APPLY_FAILED: 'The change could not be applied',
  UNAVAILABLE: 'Temporarily unavailable',
  INTERNAL: 'Something went wrong',
  NETWORK_ERROR: 'No connection to MoxNAS',
};

export interface ErrorAlertProps {
  error: unknown;
  /** Overrides the title derived from the error code. */
  title?: string;
  /**
   * Field errors to list in the alert. Defaults to all of the error's field errors; forms pass the
   * ones that matched none of their fields (the rest are shown on the fields themselves).
   */
  fieldErrors?: readonly FieldError[];
  onRetry?: () => void;
  sx?: SxProps<Theme>;
}

/** Shows what the API said — its message and the request id to find the log lines — or a browser error. */
export function ErrorAlert({ error, title, fieldErrors, onRetry, sx }: ErrorAlertProps) {
  const [copied, setCopied] = useState(false);
  const api = isApiError(error) ? error : null;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'Unexpected error.';
  const listed = fieldErrors ?? api?.fieldErrors ?? [];
  const requestId = api?.requestId ?? null;

  const copy = async () => {
    if (!requestId) return;
    try {
      await navigator.clipboard.writeText(requestId);
      setCopied(true);
    } catch {
      /* clipboard blocked (plain HTTP): the id stays selectable */
    }
  };

  return (
    <Alert
      severity="error"
      sx={sx}
      action={
        onRetry ? (
          <Button color="inherit" size="small" onClick={onRetry}>
            Retry
          </Button>
        ) : undefined
      }
    >
      <AlertTitle>{title ?? (api && TITLES[api.code]) ?? 'Error'}</AlertTitle>
      <Typography variant="body2">{message}</Typography>
      {listed.length > 0 && (
        <Box component="ul" sx={{ my: 1, pl: 2.5 }}>
          {listed.map((fe, i) => (
            <li key={`${fe.field}-${i}`}>
              <Typography variant="body2">
                {fe.field ? <strong>{fe.field}: </strong> : null}
                {fe.message}
              </Typography>
            </li>
          ))}
        </Box>
      )}
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5, mt: 0.5, flexWrap: 'wrap' }}>
        {requestId ? (
          <>
            <Typography variant="caption" component="span">
              Request ID:{' '}
              <Box component="code" sx={{ fontFamily: 'monospace', userSelect: 'all' }} data-testid="request-id">
                {requestId}
              </Box>
            </Typography>
            <Tooltip title={copied ? 'Copied' : 'Copy request ID'}>
              <IconButton size="small" color="inherit" aria-label="Copy request ID" onClick={() => void copy()}>
                <ContentCopyIcon sx={{ fontSize: 14 }} />
              </IconButton>
            </Tooltip>
          </>
        ) : api?.status === 0 ? (
          <Typography variant="caption">No request ID: the request did not reach the API.</Typography>
        ) : null}
      </Box>
    </Alert>
  );
}
