import { z } from 'zod';
import { toolHazard } from './grammar';

/**
 * The grammars of storage values: pool and dataset names, paths inside a dataset, file modes and
 * the accounts that own files. storage.ts (pools, datasets) and snapshots.ts build on them.
 */

// ---------------------------------------------------------------------------------------------
// Grammars
// ---------------------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]/u;
const utf8Length = (v: string) => new TextEncoder().encode(v).length;

/** Names that MoxNAS keeps for itself inside datasets. */
export const RESERVED_DATASET_NAMES: readonly string[] = ['.snapshots', '.zfs', '.moxnas'];

/**
 * Why a dataset name the database may already hold is refused, or undefined. A dataset name is one
 * directory name that also ends up in share paths (smb.conf, exports), so it follows the share path
 * grammar: no `/`, NUL or control characters, no `..`, none of `" \ % [ ]`, at most 255 bytes.
 * Config imports read names with it, so an export of a box with older names imports again.
 */
export function storedDatasetNameProblem(v: string): string | undefined {
  if (v.length === 0) return 'must not be empty';
  if (utf8Length(v) > 255) return 'must be at most 255 bytes';
  if (v.includes('\u0000')) return 'must not contain NUL characters';
  if (v.includes('/')) return 'must not contain / (nest datasets with parentId instead)';
  if (CONTROL.test(v)) return 'must not contain control characters such as newline or tab';
  if (INVISIBLE.test(v)) return 'must not contain invisible or unassigned Unicode characters';
  if (v === '.' || v.includes('..')) return 'must not be . or contain ..';
  if (/["\\%[\]]/.test(v)) return 'must not contain " \\ % [ or ] (the name becomes part of share paths)';
  if (v !== v.trim()) return 'must not start or end with whitespace';
  if (/\s\s/.test(v)) return 'must not contain two whitespace characters in a row';
  if (v.endsWith('.')) return 'must not end with a dot (Windows clients cannot open such names)';
  if (RESERVED_DATASET_NAMES.includes(v.toLowerCase()) || v.toLowerCase().startsWith('.moxnas')) return `${v} is reserved for MoxNAS`;
  const folded = v.normalize('NFKC');
  if (folded.includes('/') || folded.includes('..')) return 'must not contain look-alikes of / or .. (such as full-width forms)';
  return undefined;
}

/**
 * Why a new dataset name is refused, or undefined: the stored grammar, and as the name also becomes
 * an argument in admins' shell commands, no whitespace (like user, group and pool names), no
 * leading `-` or `#` and none of `* ? ( ) ,` (`toolHazard`).
 */
export function datasetNameProblem(v: string): string | undefined {
  const stored = storedDatasetNameProblem(v);
  if (stored) return stored;
  if (/\s/.test(v) || /\s/.test(v.normalize('NFKC'))) return 'must not contain spaces (like user, group and pool names)';
  return toolHazard(v);
}

const nameSchema = (problem: (v: string) => string | undefined, description: string) =>
  z
    .string()
    .superRefine((v, ctx) => {
      const message = problem(v);
      if (message) ctx.addIssue({ code: 'custom', message });
    })
    .describe(description);

/** A dataset name as stored, including names made before the stricter rules (config import). */
export const StoredDatasetName = nameSchema(storedDatasetNameProblem, 'Directory name of the dataset as stored.');

export const DatasetName = nameSchema(datasetNameProblem, 'Directory name of the dataset inside its pool or parent dataset (one path component, at most 255 bytes).');

/**
 * Why a path inside a dataset or snapshot is refused. Files already on disk may have any name, so
 * only what could escape or confuse is refused: absolute paths, `.`/`..` components, NUL.
 */
export function innerPathProblem(v: string): string | undefined {
  if (v === '') return undefined;
  if (v.startsWith('/')) return 'must be relative to the dataset (no leading /)';
  if (v.includes('\u0000')) return 'must not contain NUL characters';
  if (utf8Length(v) > 4096) return 'must be at most 4096 bytes';
  for (const part of v.split('/')) {
    if (part === '') return 'must be normalized: no // and no trailing /';
    if (part === '.' || part === '..') return 'must not contain . or .. components';
    if (utf8Length(part) > 255) return 'each component must be at most 255 bytes';
  }
  return undefined;
}

export const InnerPath = z
  .string()
  .superRefine((v, ctx) => {
    const problem = innerPathProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('Path relative to the dataset root (`docs/report.odt`); empty for the root.');

export const PoolName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, '1–64 letters, digits, dot, dash or underscore, starting with a letter or digit')
  .describe('Short name of the pool.');

/** One line of text: no control characters. */
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
export const ONE_LINE_PATTERN = /^[^\u0000-\u001f\u007f]*$/;

export const StorageDescription = z
  .string()
  .max(200, 'must be at most 200 characters')
  .regex(ONE_LINE_PATTERN, 'must be one line without control characters')
  .describe('Free text for admins.');

/** Octal permission bits as text, `0755`; setuid/setgid/sticky allowed. */
export const FileMode = z
  .string()
  .regex(/^0?[0-7]{3,4}$/, 'must be an octal mode such as 0755 or 2770')
  .describe('Permission bits in octal, such as 0755 or 2770 (setgid directory).');

/** A Linux user or group: a name the host resolves (getent) or a numeric id. */
export const AccountRef = z
  .union([
    z.number().int('must be a whole number').min(0, 'must be 0 or more').max(4294967294, 'must be below 4294967295'),
    z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?$/, 'must be a user or group name (letters, digits, . _ -) or a number'),
  ])
  .describe('A user or group name known to the host (getent), or a numeric id.');

export const ByteCount = z.number().int('must be a whole number of bytes').min(0).max(Number.MAX_SAFE_INTEGER);
