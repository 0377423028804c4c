import { z } from 'zod';
import { IdParams, secret } from './common';
import { endpoint } from './endpoint';

export const Role = z.enum(['admin', 'operator', 'viewer', 'none']).describe(
  'Dashboard access: admin (everything), operator (shares, snapshots, service start/stop), viewer (read only), none (file-sharing account only, no dashboard).',
);
export type Role = z.infer<typeof Role>;

/** Roles ordered by power; a caller may hand out (to a token) at most its own. */
export const ROLE_ORDER: readonly Role[] = ['none', 'viewer', 'operator', 'admin'];

export function roleAtMost(role: Role, ceiling: Role): boolean {
  return ROLE_ORDER.indexOf(role) <= ROLE_ORDER.indexOf(ceiling);
}

/** The lower of two roles: what an API token may do when its owner's role has changed since. */
export function lowerRole(a: Role, b: Role): Role {
  return ROLE_ORDER.indexOf(a) <= ROLE_ORDER.indexOf(b) ? a : b;
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * Passwords seen first in every breach corpus. Length plus a blocklist is what NIST SP 800-63B asks
 * for; composition rules ("one digit, one symbol") are deliberately not used.
 */
const COMMON_PASSWORDS = new Set([
  '12345678', '123456789', '1234567890', '87654321', '11111111', '00000000', '12341234', '11223344',
  'password', 'password1', 'password12', 'password123', 'passw0rd', 'p@ssw0rd', 'p@ssword',
  'qwertyui', 'qwertyuiop', 'qwerty123', 'asdfghjk', 'asdfasdf', 'zxcvbnm1', '1q2w3e4r', '1qaz2wsx',
  'iloveyou', 'sunshine', 'princess', 'football', 'baseball', 'welcome1', 'welcome123', 'letmein1',
  'abc12345', 'abcd1234', 'admin123', 'administrator', 'changeme', 'changeme123', 'trustno1', 'superman',
  'starwars', 'whatever', 'monkey123', 'dragon123', 'master123', 'computer', 'internet', 'samsung1',
  'moxnas123', 'moxnasadmin', 'proxmox1', 'letmein123', 'secret123', 'default1', 'test1234', 'testtest',
]);

/** Why a new password is refused, or undefined when it is acceptable. Shared by API and web forms. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  // Control characters break the line-based formats (chpasswd, smbpasswd -s) the host accounts use.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'must not contain control characters such as line breaks or tabs';
  if (new Set(password).size === 1) return 'must not repeat a single character';
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'is one of the most common passwords; choose another';
  return undefined;
}

export const NewPassword = secret(z.string())
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe(
    `New password: ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters, no control characters, not a single repeated character, not a well-known common password and not containing the username. It becomes the dashboard, Linux, SMB and FTP password.`,
  );

export const LoginRequest = z.object({
  username: z.string().min(1).max(64).describe('Account name.'),
  password: secret(z.string().min(1).max(1024)).describe('Password.'),
  totp: secret(z.string().regex(/^\d{6}$/, 'six digits')).optional().describe('Current TOTP code, when the account has TOTP enrolled.'),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const SessionUser = z.object({
  id: z.string().uuid(),
  username: z.string(),
  fullName: z.string().nullable(),
  role: Role,
  mustChangePassword: z.boolean().describe('True for the generated first-boot password until it is changed.'),
  totpEnabled: z.boolean().describe('True when logging in also needs a TOTP code.'),
  authMethod: z.enum(['session', 'token']).describe('How this request was authenticated: a dashboard session or an API token.'),
});
export type SessionUser = z.infer<typeof SessionUser>;

export const TokenResponse = z.object({
  accessToken: secret(z.string()).describe('Short-lived JWT for `Authorization: Bearer`.'),
  expiresIn: z.number().int().describe('Seconds until the access token expires.'),
  user: SessionUser,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const ChangePasswordRequest = z.strictObject({
  currentPassword: secret(z.string().min(1).max(1024)).describe('The password in use now.'),
  newPassword: NewPassword,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

export const TotpEnrolment = z.object({
  secret: secret(z.string()).describe('Base32 secret to type into an authenticator app. Shown once.'),
  otpauthUrl: secret(z.string()).describe('`otpauth://totp/…` URI for a QR code.'),
});
export type TotpEnrolment = z.infer<typeof TotpEnrolment>;

export const TotpConfirmRequest = z.strictObject({
  code: secret(z.string().regex(/^\d{6}$/, 'six digits')).describe('A current code from the authenticator app.'),
});
export type TotpConfirmRequest = z.infer<typeof TotpConfirmRequest>;

export const TotpDisableRequest = z.strictObject({
  password: secret(z.string().min(1).max(1024)).describe('The account password, to confirm.'),
});
export type TotpDisableRequest = z.infer<typeof TotpDisableRequest>;

export const authApi = {
  login: endpoint({
    id: 'auth.login',
    method: 'POST',
    path: '/api/auth/login',
    tag: 'auth',
    access: 'public',
    summary: 'Log in; returns an access token and sets the rotating refresh-token cookie',
    description:
      'Unknown user and wrong password give the same 401. Repeated failures lock the account name for a while (423 with `details.retryAfterSeconds` and a `Retry-After` header); too many attempts per address or name give 429. Accounts with role `none` or disabled accounts get 403 after a correct password.',
    body: LoginRequest,
    response: TokenResponse,
    errors: {
      401: 'Wrong username, password or TOTP code (`details.totpRequired` when a code is needed).',
      403: 'The account is disabled or has no dashboard access (role none).',
      423: 'Temporarily locked after repeated failures.',
      429: 'Too many attempts.',
    },
  }),
  refresh: endpoint({
    id: 'auth.refresh',
    method: 'POST',
    path: '/api/auth/refresh',
    tag: 'auth',
    access: 'public',
    summary: 'Trade the refresh-token cookie for a new access token (the refresh token rotates)',
    description: 'Presenting a refresh token that was already rotated revokes the whole login (every token descended from it).',
    response: TokenResponse,
    errors: { 401: 'Missing, expired, revoked or reused refresh token.' },
  }),
  logout: endpoint({
    id: 'auth.logout',
    method: 'POST',
    path: '/api/auth/logout',
    tag: 'auth',
    access: 'public',
    summary: 'Revoke the current refresh-token family and clear the cookie',
    description: 'Also revokes the session of the access token sent in `Authorization`, so it stops working at once.',
    status: 204,
  }),
  me: endpoint({
    id: 'auth.me',
    method: 'GET',
    path: '/api/auth/me',
    tag: 'auth',
    access: 'viewer',
    summary: 'The logged-in user',
    response: SessionUser,
  }),
  changePassword: endpoint({
    id: 'auth.changePassword',
    method: 'POST',
    path: '/api/auth/password',
    tag: 'auth',
    access: 'viewer',
    summary: 'Change your own password; every other session of yours is revoked',
    description:
      'Needs a dashboard session (not an API token). Returns a fresh access token and refresh cookie for this browser; all older access and refresh tokens stop working at once. The Linux, SMB and FTP password changes with it.',
    body: ChangePasswordRequest,
    response: TokenResponse,
    errors: { 403: 'Called with an API token.' },
  }),
  totpEnrol: endpoint({
    id: 'auth.totpEnrol',
    method: 'POST',
    path: '/api/auth/totp/enrol',
    tag: 'auth',
    access: 'viewer',
    summary: 'Start TOTP enrolment: returns a new secret and otpauth URL (not active until confirmed)',
    response: TotpEnrolment,
    errors: { 403: 'Called with an API token.', 409: 'TOTP is already enabled.' },
  }),
  totpConfirm: endpoint({
    id: 'auth.totpConfirm',
    method: 'POST',
    path: '/api/auth/totp/confirm',
    tag: 'auth',
    access: 'viewer',
    summary: 'Finish TOTP enrolment with a current code; from then on login needs a code',
    body: TotpConfirmRequest,
    response: SessionUser,
    errors: { 403: 'Called with an API token.', 409: 'No enrolment was started.' },
  }),
  totpDisable: endpoint({
    id: 'auth.totpDisable',
    method: 'POST',
    path: '/api/auth/totp/disable',
    tag: 'auth',
    access: 'viewer',
    summary: 'Turn TOTP off for your account (needs your password)',
    body: TotpDisableRequest,
    response: SessionUser,
    errors: { 403: 'Called with an API token.' },
  }),
};

// ─── API tokens ────────────────────────────────────────────────────────────────────────────────

export const API_TOKEN_PREFIX = 'mxt_';

export const ApiToken = z.object({
  id: z.string().uuid(),
  name: z.string(),
  role: Role.describe('What the token may do; never more than its owner can (checked on every use).'),
  prefix: z.string().describe('First characters of the token, to recognise it; the rest is never shown again.'),
  ownerId: z.string().uuid(),
  ownerUsername: z.string(),
  createdAt: z.string().describe('ISO-8601.'),
  expiresAt: z.string().nullable().describe('ISO-8601; null for no expiry.'),
  lastUsedAt: z.string().nullable().describe('ISO-8601 time of the last authenticated request (updated at most once a minute).'),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreateApiTokenRequest = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(100, 'must be at most 100 characters')
    .regex(/^[\p{L}\p{N} ._:/@()-]+$/u, 'may contain letters, digits, spaces and . _ : / @ ( ) - only')
    .describe('What the token is for, for example "prometheus" or "backup script".'),
  role: Role.exclude(['none']).describe('At most your own role.'),
  expiresInDays: z.number().int().min(1).max(3650).optional().describe('Days until the token stops working; omit for no expiry.'),
});
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;

export const CreatedApiToken = ApiToken.extend({
  token: secret(z.string()).describe(`The token itself (\`${API_TOKEN_PREFIX}…\`), for \`Authorization: Bearer\`. Shown only in this response.`),
});
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;

export const ApiTokenQuery = z.object({
  all: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('Admins only: list every user’s tokens instead of your own.'),
});
export type ApiTokenQuery = z.infer<typeof ApiTokenQuery>;

export const tokensApi = {
  list: endpoint({
    id: 'tokens.list',
    method: 'GET',
    path: '/api/tokens',
    tag: 'tokens',
    access: 'viewer',
    summary: 'Your API tokens (admins: everyone’s with `?all=true`)',
    query: ApiTokenQuery,
    response: z.array(ApiToken),
  }),
  create: endpoint({
    id: 'tokens.create',
    method: 'POST',
    path: '/api/tokens',
    tag: 'tokens',
    access: 'viewer',
    summary: 'Create an API token; the secret is returned once',
    body: CreateApiTokenRequest,
    response: CreatedApiToken,
    status: 201,
    errors: { 403: 'The requested role is above your own.' },
  }),
  revoke: endpoint({
    id: 'tokens.revoke',
    method: 'DELETE',
    path: '/api/tokens/{id}',
    tag: 'tokens',
    access: 'viewer',
    summary: 'Revoke an API token (your own; admins: any)',
    params: IdParams,
    response: ApiToken,
    errors: { 404: 'No such token of yours.' },
  }),
};
