import Button from '@mui/material/Button';
import Container from '@mui/material/Container';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { ErrorAlert } from '../components/error-alert';

/**
 * Shown when a page fails to render or its code cannot be loaded (typically after an upgrade
 * replaced the hashed chunks while this tab was open: a reload fetches the new ones).
 */
export function RouteError() {
  const error = useRouteError();
  const chunkFailed = error instanceof TypeError && /dynamically imported module|Importing a module script/i.test(error.message);
  const shown = isRouteErrorResponse(error) ? new Error(`${error.status} ${error.statusText}`) : error;
  return (
    <Container maxWidth="sm" sx={{ py: 8 }}>
      <ErrorAlert
        error={shown}
        title={chunkFailed ? 'MoxNAS was updated; reload to continue' : 'This page failed'}
      />
      <Button variant="contained" sx={{ mt: 2 }} onClick={() => window.location.reload()}>
        Reload
      </Button>
    </Container>
  );
}
