import type { ImportNote, NfsSecFlavor, NfsShareCreateInput } from '@moxnas/contracts';
import { readExports, type ExportsReadClient, type ExportsReadEntry } from '@moxnas/render';
import { NoteList, trimTrailingSlash, type ShareProposal } from './import-note';

export type NfsProposal = ShareProposal<NfsShareCreateInput>;

type Squash = 'root' | 'none' | 'all';

/** What one client's options say, with exportfs' defaults filled in (ro, sync, root_squash, secure, no_subtree_check, sec=sys). */
interface ClientOptions {
  access: 'ro' | 'rw';
  sync: boolean;
  rootSquash: boolean;
  allSquash: boolean;
  anonUid: number | null;
  anonGid: number | null;
  security: NfsSecFlavor[];
  subtreeCheck: boolean;
  insecure: boolean;
}

const FLAVORS = new Set<string>(['sys', 'krb5', 'krb5i', 'krb5p']);
/** Options that only restate exportfs' defaults MoxNAS keeps: accepted without a note. */
const DEFAULTS_KEPT = new Set(['secure', 'no_all_squash', 'wdelay', 'hide', 'nocrossmnt', 'secure_locks', 'acl', 'no_pnfs']);

function squashOf(o: ClientOptions): Squash {
  return o.allSquash ? 'all' : o.rootSquash ? 'root' : 'none';
}

const SQUASH_STRICTNESS: Record<Squash, number> = { none: 0, root: 1, all: 2 };

/** Reads one client's options (later ones win, as in exportfs); what MoxNAS has no field for is reported. */
function readOptions(options: string[], problem: (option: string, reason: string) => void): ClientOptions {
  const o: ClientOptions = { access: 'ro', sync: true, rootSquash: true, allSquash: false, anonUid: null, anonGid: null, security: ['sys'], subtreeCheck: false, insecure: false };
  for (const option of options) {
    const eq = option.indexOf('=');
    const key = eq === -1 ? option : option.slice(0, eq);
    const value = eq === -1 ? '' : option.slice(eq + 1);
    switch (key) {
      case 'ro':
      case 'rw':
        o.access = key;
        break;
      case 'sync':
      case 'async':
        o.sync = key === 'sync';
        break;
      case 'root_squash':
      case 'no_root_squash':
        o.rootSquash = key === 'root_squash';
        break;
      case 'all_squash':
      case 'no_all_squash':
        o.allSquash = key === 'all_squash';
        break;
      case 'subtree_check':
      case 'no_subtree_check':
        o.subtreeCheck = key === 'subtree_check';
        break;
      case 'secure':
      case 'insecure':
        o.insecure = key === 'insecure';
        break;
      case 'anonuid':
      case 'anongid': {
        // A number out of range is carried so the API names the field; a non-number cannot be.
        if (!/^-?[0-9]+$/.test(value)) {
          problem(option, `${key} must be a number; not taken over`);
          break;
        }
        if (key === 'anonuid') o.anonUid = Number(value);
        else o.anonGid = Number(value);
        break;
      }
      case 'sec': {
        const flavors = value.split(':').filter(Boolean);
        const known = flavors.filter((f) => FLAVORS.has(f)) as NfsSecFlavor[];
        const unknown = flavors.filter((f) => !FLAVORS.has(f));
        if (unknown.length) problem(option, `security flavour ${unknown.join(', ')} is not offered by MoxNAS; ${known.length ? `kept ${known.join(':')}` : 'sec=sys is proposed'}`);
        o.security = known.length ? [...new Set(known)] : ['sys'];
        break;
      }
      default:
        if (!DEFAULTS_KEPT.has(key)) problem(option, 'not an export option MoxNAS manages; not taken over');
    }
  }
  return o;
}

const IMPLICIT: Record<NonNullable<ExportsReadClient['implicit']>, string> = {
  'bare-host': 'a client without options (and no -options before it) gets exportfs’ defaults (ro, sync, root_squash, no_subtree_check); proposed with them',
  'no-host': 'options with a blank before them, such as "/path (rw)", export to everyone; proposed as *',
  'no-clients': 'an export without clients is open to everyone (read-only by default); proposed as *',
};

function proposeExport(entry: ExportsReadEntry, notes: NoteList): NfsProposal {
  const path = trimTrailingSlash(entry.path);
  const note = (text: string, reason: string) => notes.add({ file: 'exports', line: entry.line, section: path, text, reason });
  const read = entry.clients.map((c) => {
    if (c.implicit && !(c.implicit === 'bare-host' && c.options.length > 0)) note(c.host === '*' ? entry.text : c.host, IMPLICIT[c.implicit]);
    return { host: c.host, options: readOptions(c.options, (option, reason) => note(`${c.host}(${option})`, reason)) };
  });
  if (read.length === 0) note(entry.text, 'no client could be read');
  const first = read[0]?.options ?? readOptions([], () => undefined);

  // MoxNAS has one option set per export (only ro/rw per client): where clients differ, the safer
  // squash/sync/secure wins and the rest follows the first client.
  let squash = squashOf(first);
  let sync = first.sync;
  let insecure = first.insecure;
  for (const { host, options } of read.slice(1)) {
    const differs: string[] = [];
    if (squashOf(options) !== squashOf(first)) {
      differs.push('squash');
      if (SQUASH_STRICTNESS[squashOf(options)] > SQUASH_STRICTNESS[squash]) squash = squashOf(options);
    }
    if (options.sync !== first.sync) {
      differs.push('sync/async');
      sync = true;
    }
    if (options.insecure !== first.insecure) {
      differs.push('secure/insecure');
      insecure = false;
    }
    if (options.anonUid !== first.anonUid || options.anonGid !== first.anonGid) differs.push('anonuid/anongid');
    if (options.security.join(':') !== first.security.join(':')) differs.push('sec');
    if (options.subtreeCheck !== first.subtreeCheck) differs.push('subtree_check');
    if (differs.length) {
      note(host, `options (${differs.join(', ')}) differ from the first client's; MoxNAS has one option set per export, so the safer squash, sync and secure win and the rest follows ${read[0].host}`);
    }
  }

  const share: NfsShareCreateInput = {
    path,
    comment: entry.comment,
    clients: read.map((c) => ({ host: c.host, access: c.options.access })),
    squash,
    anonUid: first.anonUid,
    anonGid: first.anonGid,
    sync,
    security: first.security,
    subtreeCheck: first.subtreeCheck,
    insecure,
  };
  return { share, source: path, notes: [] };
}

/**
 * Proposes one NFS share per exported path of an /etc/exports. Lines for the same path are merged
 * into one proposal (exportfs merges them too; MoxNAS has one export per path). Pure.
 */
export function proposeNfsShares(text: string): { proposals: NfsProposal[]; notes: ImportNote[] } {
  const doc = readExports(text);
  const notes = new NoteList();
  for (const s of doc.stray) notes.add({ file: 'exports', line: s.line, section: null, text: s.text, reason: `${s.reason}; not taken over` });
  const byPath = new Map<string, { entry: ExportsReadEntry; later: ExportsReadEntry[] }>();
  for (const entry of doc.entries) {
    const key = trimTrailingSlash(entry.path);
    const group = byPath.get(key);
    if (group) {
      group.later.push(entry);
      group.entry = { ...group.entry, comment: group.entry.comment ?? entry.comment, clients: [...group.entry.clients, ...entry.clients] };
    } else {
      byPath.set(key, { entry, later: [] });
    }
  }
  const proposals = [...byPath.values()].map(({ entry, later }) => {
    const own = new NoteList();
    const proposal = proposeExport(entry, own);
    for (const l of later) {
      own.add({ file: 'exports', line: l.line, section: proposal.share.path, text: l.text, reason: `the path is also exported on line ${entry.line}: merged into one export, as exportfs does` });
    }
    return { ...proposal, notes: [...own.items].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
  });
  return { proposals, notes: notes.items };
}
