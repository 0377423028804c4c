import type { FieldError, SmbPreset, SmbPresetId, SmbShareCreate } from '@moxnas/contracts';

/**
 * The SMB presets (TrueNAS calls them "purposes"). A preset fills every option the create body
 * left out; fields sent explicitly win. docs/shares.md describes them for admins.
 */
export const SMB_PRESETS: readonly SmbPreset[] = [
  {
    id: 'default',
    name: 'Default share',
    description: 'A browseable, writable share for the users who may log in (all users unless valid users/groups are set). No guest access, Samba’s default permissions, no extras.',
    options: { enabled: true, browseable: true, readOnly: false, guestOk: false, createMask: null, directoryMask: null, recycleBin: null, previousVersions: false, timeMachine: null, audit: false },
  },
  {
    id: 'private',
    name: 'Private share',
    description:
      'Only the valid users and groups (at least one is required) may connect; hidden from browsing; new files 0600 and directories 0700 so members cannot read each other’s files; deleted files go to a per-user recycle bin.',
    options: {
      enabled: true,
      browseable: false,
      readOnly: false,
      guestOk: false,
      createMask: '0600',
      directoryMask: '0700',
      recycleBin: { repository: '.recycle', perUser: true, keepTree: true, versions: true },
      previousVersions: false,
      timeMachine: null,
      audit: false,
    },
  },
  {
    id: 'public-read-only',
    name: 'Public, read-only',
    description: 'Anyone may read without a password (as the guest account); nobody writes except the write users/groups you add. For media libraries and software depots.',
    options: { enabled: true, browseable: true, readOnly: true, guestOk: true, createMask: '0644', directoryMask: '0755', recycleBin: null, previousVersions: false, timeMachine: null, audit: false },
  },
  {
    id: 'time-machine',
    name: 'Time Machine',
    description:
      'A macOS Time Machine destination (vfs_fruit; Apple extensions are switched on for every share, as macOS expects); new files private to their owner. Set timeMachine.maxSize so backups cannot fill the pool.',
    options: { enabled: true, browseable: true, readOnly: false, guestOk: false, createMask: '0600', directoryMask: '0700', recycleBin: null, previousVersions: false, timeMachine: { maxSize: null }, audit: false },
  },
  {
    id: 'multi-protocol',
    name: 'Multi-protocol (SMB + NFS/FTP)',
    description:
      'For a directory also exported over NFS or FTP: group-writable files (0664) and set-group-id directories (2775) so every protocol’s users of the same group can work on the same files; no recycle bin (other protocols delete for good anyway).',
    options: { enabled: true, browseable: true, readOnly: false, guestOk: false, createMask: '0664', directoryMask: '2775', recycleBin: null, previousVersions: false, timeMachine: null, audit: false },
  },
];

export function smbPreset(id: SmbPresetId): SmbPreset {
  const preset = SMB_PRESETS.find((p) => p.id === id);
  if (!preset) throw new Error(`unknown SMB preset ${id}`);
  return preset;
}

/**
 * The create body with the preset's options for every field the client did not send. `sent` holds
 * the top-level fields of the request body as received (before defaults were filled in).
 */
export function applySmbPreset(body: SmbShareCreate, sent: ReadonlySet<string>): { body: SmbShareCreate; errors: FieldError[] } {
  if (!body.preset) return { body, errors: [] };
  const preset = smbPreset(body.preset);
  const filled: SmbShareCreate = { ...body };
  for (const [key, value] of Object.entries(preset.options) as Array<[keyof SmbPreset['options'], unknown]>) {
    if (!sent.has(key)) (filled as Record<string, unknown>)[key] = structuredClone(value);
  }
  const errors: FieldError[] = [];
  if (preset.id === 'private' && filled.validUsers.length === 0 && filled.validGroups.length === 0) {
    errors.push({ field: 'validUsers', message: 'the private preset needs at least one valid user or group' });
  }
  return { body: filled, errors };
}
