import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { lazy, Suspense, type ReactNode } from 'react';
import { PageLoader } from '../../components/page-loader';
import { useLogout, useUser } from '../../lib/auth';

// Loaded only for the few sessions that need it; everyone else never downloads the form.
const ChangePasswordForm = lazy(() => import('./change-password-form').then((m) => ({ default: m.ChangePasswordForm })));

/**
 * While the account must change its password (the generated first-boot admin password, or one an
 * administrator set), the API refuses everything else, so the dashboard asks for the new password
 * first instead of showing pages full of errors.
 */
export function PasswordChangeGate({ children }: { children: ReactNode }) {
  const user = useUser();
  const logout = useLogout();
  if (!user.mustChangePassword) return children;
  return (
    <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2, bgcolor: 'background.default' }}>
      <Card sx={{ width: '100%', maxWidth: 460 }}>
        <CardContent sx={{ p: { xs: 3, sm: 4 } }}>
          <Typography variant="h1" sx={{ mb: 1 }}>
            Choose your own password
          </Typography>
          <Typography variant="body2" sx={{ color: 'text.secondary', mb: 2 }}>
            You signed in as <strong>{user.username}</strong> with a password that was set for you — generated at installation, or by an
            administrator. Anyone who has seen it can sign in as you, so MoxNAS asks for a new one before anything else.
          </Typography>
          {user.authMethod === 'session' ? (
            <Suspense fallback={<PageLoader />}>
              <ChangePasswordForm
              onDone={() => undefined}
              actions={({ submitting }) => (
                <Stack direction="row" spacing={1} sx={{ mt: 3, justifyContent: 'flex-end' }}>
                  <Button onClick={() => logout.mutate()} disabled={submitting}>
                    Log out
                  </Button>
                  <Button type="submit" variant="contained" loading={submitting}>
                    Set password and continue
                  </Button>
                </Stack>
              )}
              />
            </Suspense>
          ) : (
            <Alert severity="warning">This API token’s account must change its password first; sign in to the dashboard with the account’s password to do it.</Alert>
          )}
        </CardContent>
      </Card>
    </Box>
  );
}
