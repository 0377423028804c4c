import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Container from '@mui/material/Container';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { PageLoader } from '../components/page-loader';
import { useAuth, useLogout } from '../lib/auth';

/** Renders its children only for a logged-in user with dashboard access; otherwise goes to /login. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { user, isLoading, error, retry } = useAuth();
  const location = useLocation();
  const logout = useLogout();

  if (isLoading) return <PageLoader fullScreen />;
  if (error) {
    return (
      <Container maxWidth="sm" sx={{ py: 8 }}>
        <ErrorAlert error={error} title="Could not check your session" onRetry={retry} />
      </Container>
    );
  }
  if (!user) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (user.role === 'none') {
    return (
      <Container maxWidth="sm" sx={{ py: 8 }}>
        <EmptyState
          title="No dashboard access"
          description={`The account “${user.username}” is a file-sharing account without a dashboard role. Ask an administrator to give it the viewer, operator or admin role.`}
          action={
            <Box>
              <Button variant="outlined" onClick={() => logout.mutate()} loading={logout.isPending}>
                Log out
              </Button>
            </Box>
          }
        />
      </Container>
    );
  }
  return children;
}
