import { AbsolutePath, AnonId, ExportComment, NfsClientSpec, NfsSecFlavors, MAX_SHARES_PER_PROTOCOL } from '@moxnas/contracts';
import { z } from 'zod';

export const NfsClientState = z.object({
  host: NfsClientSpec,
  access: z.enum(['ro', 'rw']),
});
export type NfsClientState = z.output<typeof NfsClientState>;

export const NfsExportState = z.object({
  /** Disabled exports stay in the database but are not written. */
  enabled: z.boolean().default(true),
  path: AbsolutePath,
  /** Written as a `#` line above the export. */
  comment: ExportComment.nullish(),
  clients: z.array(NfsClientState).min(1, 'at least one client').max(256),
  /** root: root_squash (the safe default); none: no_root_squash; all: all_squash. */
  squash: z.enum(['root', 'none', 'all']),
  anonUid: AnonId.nullish(),
  anonGid: AnonId.nullish(),
  /** sync (safe) or async (faster, loses data on a server crash). */
  sync: z.boolean(),
  security: NfsSecFlavors.default(['sys']),
  subtreeCheck: z.boolean().default(false),
  /** Accept requests from ports above 1023 (needed by macOS clients). */
  insecure: z.boolean().default(false),
});
export type NfsExportState = z.output<typeof NfsExportState>;

export const ExportsState = z
  .object({ exports: z.array(NfsExportState).max(MAX_SHARES_PER_PROTOCOL) })
  .superRefine((state, ctx) => {
    // Two lines for one path make exportfs pick one silently; the API must merge or refuse first.
    const seen = new Map<string, number>();
    state.exports.forEach((e, i) => {
      if (!e.enabled) return;
      const first = seen.get(e.path);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['exports', i, 'path'], message: `already exported by exports.${first}` });
      } else {
        seen.set(e.path, i);
      }
    });
  });
export type ExportsState = z.output<typeof ExportsState>;
export type ExportsStateInput = z.input<typeof ExportsState>;
