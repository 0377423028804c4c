import { canonicalIPv6, isIPv6 } from '@moxnas/contracts';
import type nunjucks from 'nunjucks';
import { checkState } from '../state-check';
import { MANAGED_HEADER, templateEnvironment } from '../template-environment';
import { ExportsState, type ExportsStateInput, type NfsExportState } from './exports.state';

/**
 * One spelling per client so duplicates are found and output is stable: host names and wildcards
 * lower-case (DNS is case-insensitive), IPv6 in canonical compressed form. Netgroups are left as is
 * (NIS names are case-sensitive).
 */
export function canonicalClient(host: string): string {
  if (host.startsWith('@')) return host;
  const slash = host.indexOf('/');
  const addr = slash === -1 ? host : host.slice(0, slash);
  if (isIPv6(addr)) return canonicalIPv6(addr) + (slash === -1 ? '' : host.slice(slash));
  return host.toLowerCase();
}

/** exports(5) accepts a double-quoted path; anything beyond plain characters is quoted. */
export function quoteExportPath(path: string): string {
  return /^[A-Za-z0-9/._+,=:@~-]+$/.test(path) ? path : `"${path}"`;
}

/** Options for one client, in a fixed order so the file diffs cleanly. */
export function clientOptions(e: NfsExportState, access: 'ro' | 'rw'): string[] {
  const opts: string[] = [access, e.sync ? 'sync' : 'async'];
  opts.push(e.squash === 'root' ? 'root_squash' : e.squash === 'none' ? 'no_root_squash' : 'all_squash');
  if (e.anonUid !== null && e.anonUid !== undefined) opts.push(`anonuid=${e.anonUid}`);
  if (e.anonGid !== null && e.anonGid !== undefined) opts.push(`anongid=${e.anonGid}`);
  opts.push(`sec=${e.security.join(':')}`);
  if (e.insecure) opts.push('insecure');
  opts.push(e.subtreeCheck ? 'subtree_check' : 'no_subtree_check');
  return opts;
}

/**
 * The clients of one export with duplicates merged, in first-seen order (order matters to exportfs
 * when specs overlap). exportfs refuses "incompatible duplicated export entries", so one line per
 * client: when the same client is listed read-only and read-write, read-only wins (least privilege;
 * the API warns about such contradictions before they reach here).
 */
export function mergeClients(e: NfsExportState): { host: string; access: 'ro' | 'rw' }[] {
  const merged = new Map<string, 'ro' | 'rw'>();
  for (const c of e.clients) {
    const host = canonicalClient(c.host);
    const before = merged.get(host);
    merged.set(host, before === 'ro' || c.access === 'ro' ? 'ro' : 'rw');
  }
  return [...merged].map(([host, access]) => ({ host, access }));
}

/** /etc/exports from the desired state: one line per enabled export, sorted by path. Pure. */
export function renderExports(input: ExportsStateInput, env: nunjucks.Environment = templateEnvironment()): string {
  const state = checkState('exports', ExportsState, input);
  const exports = state.exports
    .filter((e) => e.enabled)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => ({
      comment: e.comment ?? null,
      path: quoteExportPath(e.path),
      clients: mergeClients(e)
        .map((c) => `${c.host}(${clientOptions(e, c.access).join(',')})`)
        .join(' '),
    }));
  return env.render('nfs/exports.njk', { header: MANAGED_HEADER, exports });
}
