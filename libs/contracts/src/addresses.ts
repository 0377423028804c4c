/**
 * IP addresses, CIDR networks and host names as the daemons' config files take them: the checks
 * behind the address grammars (Samba hosts allow/deny, NFS clients, bind addresses). Plain
 * functions, no dependency, so the browser runs the same ones.
 */

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
// No leading zeros: `010.0.0.1` is octal to some parsers and decimal to others.
const IPV4_RE = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const LABEL = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)';
const HOSTNAME_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const PREFIX_RE = /^(?:0|[1-9][0-9]{0,2})$/;

export function isIPv4(value: string): boolean {
  return IPV4_RE.test(value);
}

/** Validated with the WHATWG URL parser, which exists in Node and in browsers alike. */
export function isIPv6(value: string): boolean {
  if (!value.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(value) || value.length > 45) return false;
  try {
    new URL(`http://[${value}]/`);
    return true;
  } catch {
    return false;
  }
}

/** The canonical (compressed, lower-case) form of an IPv6 address, to compare and de-duplicate. */
export function canonicalIPv6(value: string): string {
  return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}

/** `addr/prefix` with a valid address and a prefix in range; no netmask form, no leading zeros. */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash === -1 || slash !== value.lastIndexOf('/')) return false;
  const addr = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  if (!PREFIX_RE.test(prefix)) return false;
  if (isIPv4(addr)) return Number(prefix) <= 32;
  if (isIPv6(addr)) return Number(prefix) <= 128;
  return false;
}

/** RFC 1123 host name; the last label may not be all digits, so a mistyped IP is not a "host name". */
export function isHostname(value: string): boolean {
  if (value.length > 253 || !HOSTNAME_RE.test(value)) return false;
  const labels = value.split('.');
  return !/^[0-9]+$/.test(labels[labels.length - 1]);
}
