import { LOGIN_SHELLS, type Role } from '@moxnas/contracts';
import type { SelectOption } from '../../../components/form-fields';

export const ROLE_OPTIONS: readonly (SelectOption & { value: Role })[] = [
  { value: 'none', label: 'No dashboard access', description: 'File sharing (SMB/FTP) only' },
  { value: 'viewer', label: 'Viewer', description: 'Sees everything, changes nothing' },
  { value: 'operator', label: 'Operator', description: 'Shares, snapshots, service start/stop' },
  { value: 'admin', label: 'Administrator', description: 'Everything, including users and settings' },
];

export const ROLE_LABELS: Record<Role, string> = { none: 'none', viewer: 'viewer', operator: 'operator', admin: 'admin' };

export const SHELL_OPTIONS: readonly SelectOption[] = LOGIN_SHELLS.map((shell) => ({
  value: shell,
  label: shell,
  description: shell.endsWith('nologin') ? 'No shell login (SMB and FTP still work)' : 'Allows shell login',
}));
