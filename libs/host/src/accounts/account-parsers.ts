import type { HostGroup, HostUser } from './account-manager';

/** `getent passwd` line: name:x:uid:gid:gecos:home:shell */
export function parsePasswdLine(line: string): HostUser | null {
  const f = line.trim().split(':');
  if (f.length < 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) return null;
  return { username: f[0], uid: Number(f[2]), gid: Number(f[3]), fullName: f[4].split(',')[0], home: f[5], shell: f[6] };
}

/** `getent group` line: name:x:gid:member,member */
export function parseGroupLine(line: string): HostGroup | null {
  const f = line.trim().split(':');
  if (f.length < 4 || !/^\d+$/.test(f[2])) return null;
  return { name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',').filter(Boolean) : [] };
}

export interface ShadowState {
  /** The password hash starts with "!" (usermod -L). */
  locked: boolean;
  /** An expiry date is set (usermod -e). */
  expired: boolean;
}

/** `getent shadow` line: name:hash:lastchg:min:max:warn:inactive:expire:reserved */
export function parseShadowLine(line: string): ShadowState | null {
  const f = line.trim().split(':');
  if (f.length < 8) return null;
  return { locked: f[1].startsWith('!'), expired: f[7] !== '' };
}

export interface SambaEntry {
  username: string;
  ntHash: string;
  disabled: boolean;
}

/** `pdbedit -L -w` lines: name:uid:LM:NT:[flags]:LCT-…: */
export function parseSmbpasswd(text: string): SambaEntry[] {
  const entries: SambaEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(':');
    if (f.length < 6 || !f[4]?.startsWith('[')) continue;
    entries.push({ username: f[0], ntHash: f[3].toUpperCase(), disabled: /D/.test(f[4]) });
  }
  return entries;
}
