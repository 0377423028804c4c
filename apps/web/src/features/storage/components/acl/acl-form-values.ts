import { AclSet, type PathAcl, type PathAclEntry } from '@moxnas/contracts';
import { z } from 'zod';
import type { FieldPath } from 'react-hook-form';

/** The editor's form: the PUT body plus whether the change also goes to everything below. */
export const AclForm = AclSet.extend({ recursive: z.boolean() });
export type AclFormInput = z.input<typeof AclForm>;
export type AclFormValues = z.output<typeof AclForm>;
export type AclEntryValues = AclFormInput['entries'][number];

/** Named user/group entries and the mask are editable; owner, owning group and other follow the mode. */
const editable = (e: PathAclEntry) => e.tag === 'mask' || ((e.tag === 'user' || e.tag === 'group') && e.id !== null);

function toEntry(e: PathAclEntry, isDefault: boolean): AclEntryValues {
  const tag = e.tag === 'mask' ? 'mask' : e.tag === 'user' ? 'user' : 'group';
  return { tag, qualifier: tag === 'mask' ? null : (e.name ?? e.id), perms: e.perms, default: isDefault };
}

/** The form's starting values: the path's extended entries as it has them now. */
export function formValuesOf(acl: PathAcl): AclFormInput {
  return {
    entries: [...acl.access.filter(editable).map((e) => toEntry(e, false)), ...acl.default.filter(editable).map((e) => toEntry(e, true))],
    recursive: false,
  };
}

/** The API names body fields `entries.3.perms`, as the form does; other errors go to the alert. */
export function aclFieldTarget(apiField: string): FieldPath<AclFormInput> | undefined {
  if (apiField === 'entries' || apiField === 'recursive') return apiField;
  return /^entries\.\d+\.(tag|qualifier|perms|default)$/.test(apiField) ? (apiField as FieldPath<AclFormInput>) : undefined;
}
