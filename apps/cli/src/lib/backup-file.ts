import { readFile } from 'node:fs/promises';
import { ConfigDocument } from '@moxnas/contracts';
import { z } from 'zod';
import { UsageError } from '../command';

/**
 * The file `moxnas backup` writes: the encrypted configuration export (the same document as
 * POST /api/system/config/export) framed with what a restore checks before it touches anything.
 * Everything secret is inside `document` (scrypt + AES-256-GCM); the frame is not secret.
 */
export const BackupFile = z.object({
  format: z.literal('moxnas-backup'),
  version: z.literal(1),
  createdAt: z.string(),
  appVersion: z.string(),
  /** The last database migration of the writer: a restore refuses a file from a newer schema. */
  schema: z.string().nullable(),
  /** What the NAS needs besides the file: the pool paths (bind mounts) must exist before a restore. */
  requires: z.object({ pools: z.array(z.object({ name: z.string(), path: z.string() })) }),
  document: ConfigDocument,
});
export type BackupFile = z.infer<typeof BackupFile>;

export const PASSPHRASE_ENV = 'MOXNAS_BACKUP_PASSPHRASE';

/**
 * The passphrase never comes from argv (visible in `ps`): from `--passphrase-file PATH` (`-` for
 * stdin, first line) or from MOXNAS_BACKUP_PASSPHRASE.
 */
export async function readPassphrase(file: string | undefined, stdin: () => Promise<string> = readStdin): Promise<string> {
  let value: string | undefined;
  if (file !== undefined) {
    const text = file === '-' ? await stdin() : await readFile(file, 'utf8').catch((e: Error) => {
      throw new UsageError(`cannot read the passphrase file: ${e.message}`);
    });
    value = text.split(/\r?\n/)[0];
  } else {
    value = process.env[PASSPHRASE_ENV];
  }
  if (!value) throw new UsageError(`give the passphrase with --passphrase-file PATH (or - for stdin) or in ${PASSPHRASE_ENV}`);
  if (value.length < 12) throw new UsageError('the passphrase must be at least 12 characters');
  return value;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseSections(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new UsageError('--sections needs a comma-separated list such as users,storage');
  return list;
}
