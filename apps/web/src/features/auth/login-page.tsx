import VisibilityIcon from '@mui/icons-material/Visibility';
import VisibilityOffIcon from '@mui/icons-material/VisibilityOff';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { LoginRequest, type FieldError } from '@moxnas/contracts';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Navigate, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/error-alert';
import { isApiError } from '../../lib/api-client';
import { useAuth, useLogin } from '../../lib/auth';
import { applyFieldErrors, contractResolver } from '../../lib/form';

const FIELDS = ['username', 'password', 'totp'] as const;

/** Only same-app paths: `?next=//evil.example` must not send the user elsewhere. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/**
 * The API asks for a code by rejecting the login with a field error on `totp`, or by saying so in
 * `details` (`totpRequired: true`).
 */
function asksForTotp(error: unknown): boolean {
  if (!isApiError(error)) return false;
  return error.details?.['totpRequired'] === true || error.fieldErrors.some((fe) => fe.field === 'totp');
}

export function LoginPage() {
  const { user } = useAuth();
  const [params] = useSearchParams();
  const login = useLogin();
  const [showPassword, setShowPassword] = useState(false);
  const [totpShown, setTotpShown] = useState(false);
  const [failure, setFailure] = useState<{ error: unknown; rest: FieldError[] } | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    setFocus,
    formState: { errors, isSubmitting },
  } = useForm({
    resolver: contractResolver(LoginRequest),
    defaultValues: { username: '', password: '' },
    mode: 'onTouched',
  });

  if (user) return <Navigate to={safeNext(params.get('next'))} replace />;

  const onSubmit = handleSubmit(async (values) => {
    setFailure(null);
    if (totpShown && !values.totp) {
      setError('totp', { type: 'required', message: 'Enter the six-digit code from your authenticator app' }, { shouldFocus: true });
      return;
    }
    try {
      // On success the session user is set and the <Navigate> above takes over.
      await login.mutateAsync(values);
    } catch (error) {
      if (asksForTotp(error) && !totpShown) {
        setTotpShown(true);
        // The field renders on the next commit; focus it then.
        setTimeout(() => setFocus('totp'), 0);
        return;
      }
      setFailure({ error, rest: applyFieldErrors(error, setError, FIELDS) });
    }
  });

  const failureTitle = isApiError(failure?.error) && failure.error.status === 401 ? 'Login failed' : undefined;

  return (
    <Box sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2, bgcolor: 'background.default' }}>
      <Card sx={{ width: '100%', maxWidth: 400 }}>
        <CardContent sx={{ p: { xs: 3, sm: 4 } }}>
          <Stack sx={{ alignItems: 'center', mb: 3 }} spacing={1}>
            <Box component="img" src="/favicon.svg" alt="" sx={{ width: 48, height: 48 }} />
            <Typography variant="h1" component="h1">
              MoxNAS
            </Typography>
            <Typography variant="body2" sx={{ color: 'text.secondary' }}>
              Sign in to manage this NAS
            </Typography>
          </Stack>
          <Box component="form" noValidate onSubmit={(e) => void onSubmit(e)} aria-label="Sign in">
            <Stack spacing={2}>
              <TextField
                label="Username"
                autoComplete="username"
                autoFocus
                {...register('username')}
                error={!!errors.username}
                helperText={errors.username?.message}
              />
              <TextField
                label="Password"
                type={showPassword ? 'text' : 'password'}
                autoComplete="current-password"
                {...register('password')}
                error={!!errors.password}
                helperText={errors.password?.message}
                slotProps={{
                  input: {
                    endAdornment: (
                      <InputAdornment position="end">
                        <IconButton
                          aria-label={showPassword ? 'Hide password' : 'Show password'}
                          onClick={() => setShowPassword((v) => !v)}
                          edge="end"
                        >
                          {showPassword ? <VisibilityOffIcon /> : <VisibilityIcon />}
                        </IconButton>
                      </InputAdornment>
                    ),
                  },
                }}
              />
              {totpShown && (
                <>
                  <Alert severity="info">This account uses two-factor authentication.</Alert>
                  <TextField
                    label="Authentication code"
                    autoComplete="one-time-code"
                    {...register('totp', { setValueAs: (v: string | undefined) => (v ? v.trim() : undefined) })}
                    error={!!errors.totp}
                    helperText={errors.totp?.message ?? 'The six-digit code from your authenticator app'}
                    slotProps={{ htmlInput: { inputMode: 'numeric', maxLength: 6, pattern: '[0-9]*' } }}
                  />
                </>
              )}
              {failure && <ErrorAlert error={failure.error} fieldErrors={failure.rest} title={failureTitle} />}
              <Button type="submit" variant="contained" size="large" loading={isSubmitting}>
                Sign in
              </Button>
            </Stack>
          </Box>
          <Typography variant="caption" component="p" sx={{ color: 'text.secondary', mt: 3, textAlign: 'center' }}>
            First sign-in: use <strong>admin</strong> and the password the installer printed.
          </Typography>
        </CardContent>
      </Card>
    </Box>
  );
}
