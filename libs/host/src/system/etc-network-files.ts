/**
 * Pure readers and writers of the small network files in /etc: resolv.conf, hostname, hosts.
 * Writers keep what they do not own (comments, `options` lines, other host entries) so a hand-made
 * setting survives a change made from the dashboard.
 */

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  /** `options` values (ndots:2, rotate, …), kept as they are. */
  options: string[];
}

export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const [keyword, ...rest] = line.split(/\s+/);
    if (keyword === 'nameserver' && rest[0]) out.nameservers.push(rest[0]);
    // resolv.conf(5): the last of `domain` and `search` wins.
    else if (keyword === 'search' || keyword === 'domain') out.search = rest;
    else if (keyword === 'options') out.options.push(...rest);
  }
  return out;
}

export const RESOLV_CONF_HEADER = '# Written by MoxNAS (Network → DNS). Hand edits to nameserver/search lines are replaced.';

/**
 * New resolv.conf text: the given name servers and search list, every other line of the current
 * file (comments, `options`, `sortlist`) kept in place.
 */
export function renderResolvConf(current: string | null, next: { nameservers: string[]; search: string[] }): string {
  const kept: string[] = [];
  for (const raw of (current ?? '').split('\n')) {
    const keyword = raw.trim().split(/\s+/)[0];
    if (['nameserver', 'search', 'domain'].includes(keyword) || raw.trim() === RESOLV_CONF_HEADER) continue;
    kept.push(raw);
  }
  while (kept.length && kept[kept.length - 1].trim() === '') kept.pop();
  const lines = [RESOLV_CONF_HEADER, ...kept];
  if (next.search.length) lines.push(`search ${next.search.join(' ')}`);
  for (const ns of next.nameservers) lines.push(`nameserver ${ns}`);
  return `${lines.join('\n')}\n`;
}

/** First non-comment word of /etc/hostname. */
export function parseHostnameFile(text: string): string | null {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line) return line.split(/\s+/)[0];
  }
  return null;
}

/**
 * /etc/hosts with the machine's own name on the Debian `127.0.1.1` line (hosts(5), the Debian
 * reference's "hostname resolution"): replaces that line, or adds it after the localhost line.
 * Every other entry is kept.
 */
export function renderHostsFile(current: string | null, hostname: string): string {
  const short = hostname.split('.')[0];
  const names = short === hostname ? hostname : `${hostname} ${short}`;
  const entry = `127.0.1.1\t${names}`;
  const lines = (current ?? '127.0.0.1\tlocalhost\n').split('\n');
  let replaced = false;
  const out = lines.map((line) => {
    if (/^\s*127\.0\.1\.1\s/.test(line)) {
      if (replaced) return null;
      replaced = true;
      return entry;
    }
    return line;
  }).filter((l): l is string => l !== null);
  if (!replaced) {
    const localhost = out.findIndex((l) => /^\s*127\.0\.0\.1\s/.test(l));
    out.splice(localhost === -1 ? 0 : localhost + 1, 0, entry);
  }
  const text = out.join('\n');
  return text.endsWith('\n') ? text : `${text}\n`;
}
