import { z } from 'zod';
import { isCidr, isHostname, isIPv4, isIPv6 } from './addresses';

/**
 * Per-field grammars for every value that ends up in a daemon config file (smb.conf, exports,
 * vsftpd.conf). The API validates requests with them and the renderers in `libs/render` check every
 * value again before rendering (defence in depth).
 *
 * Why so strict: `testparm` and friends do not notice an injected line. A newline in a share comment
 * becomes a new `root preexec = …` parameter, a `]` or `[` can open a new section, a trailing `\`
 * glues the next line onto this one and `%u`-style macros are expanded by Samba at connect time. So
 * every field rejects control characters (newline, CR, NUL, tab, …), invisible Unicode (bidi
 * overrides, zero-width characters, unassigned code points), trailing backslashes, `[`/`]`, `%` and
 * over-long values; runs of spaces are rejected too because Samba's parser collapses them (a path
 * `a␠␠b` would silently become `a␠b`).
 *
 * These schemas import nothing but zod (and the address checks beside them) so the web forms use
 * the very same rules.
 */

type Check = (value: string) => string | undefined;

// C0, DEL and C1 controls: newline, CR, NUL, tab, ESC, NEL (U+0085), …
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Format (bidi overrides, zero-width joiners, BOM), line/paragraph separators, private use, lone
// surrogates and unassigned code points: all invisible or ambiguous in a config file and in the UI.
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]/u;

const noControl: Check = (v) => {
  if (/[\n\r]/.test(v)) return 'must be a single line (no line breaks)';
  if (v.includes('\u0000')) return 'must not contain NUL characters';
  if (CONTROL.test(v)) return 'must not contain control characters such as tab or escape';
  if (INVISIBLE.test(v)) return 'must not contain invisible or unassigned Unicode characters';
  return undefined;
};
const noTrailingBackslash: Check = (v) => (v.endsWith('\\') ? 'must not end with a backslash' : undefined);
const noEdgeSpace: Check = (v) => (v !== v.trim() ? 'must not start or end with whitespace' : undefined);
const noSpaceRuns: Check = (v) => (/\s\s/.test(v) ? 'must not contain two whitespace characters in a row' : undefined);
const noBrackets: Check = (v) => (/[[\]]/.test(v) ? 'must not contain [ or ]' : undefined);
const noPercent: Check = (v) => (v.includes('%') ? 'must not contain % (Samba would expand it as a macro such as %u)' : undefined);

/**
 * A string schema that runs the length limit first (so a 64 KiB value costs nothing more) and then the
 * checks in order, reporting only the first problem: one clear message per field.
 */
function grammar(description: string, opts: { min?: number; max: number }, ...checks: Check[]) {
  const min = opts.min ?? 1;
  return z
    .string()
    .superRefine((value, ctx) => {
      if (value.length < min) {
        ctx.addIssue({ code: 'custom', message: min === 1 ? 'must not be empty' : `must be at least ${min} characters` });
        return;
      }
      if (value.length > opts.max) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${opts.max} characters` });
        return;
      }
      for (const check of [noControl, noTrailingBackslash, ...checks]) {
        const message = check(value);
        if (message) {
          ctx.addIssue({ code: 'custom', message });
          return;
        }
      }
    })
    .describe(description);
}

/** A list schema: bounded, no duplicates (a duplicate is almost always a mistake in the form). */
function uniqueList<T extends z.ZodType<string>>(item: T, what: string, max: number, description: string) {
  return z
    .array(item)
    .max(max, `at most ${max} ${what}`)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((v, i) => {
        // Invalid items already have their own issue; never echo them in a second message.
        if (!item.safeParse(v).success) return;
        const key = v.toLowerCase();
        if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `${v} is listed twice`, path: [i] });
        seen.add(key);
      });
    })
    .describe(description);
}

// ---------------------------------------------------------------------------------------------
// Addresses and host names (shared by Samba hosts allow/deny, NFS clients, daemon bind addresses)
// ---------------------------------------------------------------------------------------------

const ADDRESS_HINT = 'an IPv4 or IPv6 address, a CIDR network (10.0.0.0/24, fd00::/8) or a host name';

/** A bare IPv4 or IPv6 address. */
export const IpAddress = grammar('An IPv4 or IPv6 address.', { max: 45 }, (v) =>
  isIPv4(v) || isIPv6(v) ? undefined : 'must be an IPv4 or IPv6 address',
);

/** An IPv4 address (vsftpd's `pasv_address`, `listen_address`). */
export const IPv4Address = grammar('An IPv4 address.', { max: 15 }, (v) => (isIPv4(v) ? undefined : 'must be an IPv4 address such as 192.168.1.10'));

/**
 * One entry of Samba `hosts allow` / `hosts deny`: IPv4, IPv6, CIDR, a host name or a `.domain`
 * suffix. Samba's `EXCEPT` operator is refused: it turns a list into an expression that is easy to
 * get wrong, and the UI offers separate allow and deny lists instead.
 */
export const HostAccessEntry = grammar(
  'A client allowed or denied: IPv4/IPv6 address, CIDR network, host name or `.example.com` domain suffix.',
  { max: 254 },
  (v) => {
    if (v.toUpperCase() === 'EXCEPT') return 'EXCEPT is not supported; use separate allow and deny lists';
    if (isIPv4(v) || isIPv6(v) || isCidr(v) || isHostname(v)) return undefined;
    if (v.startsWith('.') && isHostname(v.slice(1))) return undefined;
    return `must be ${ADDRESS_HINT}, or a .domain suffix`;
  },
);
export type HostAccessEntry = z.infer<typeof HostAccessEntry>;

export const HostAccessList = uniqueList(HostAccessEntry, 'entries', 256, 'Clients, in order; empty means no restriction.');

/** A network interface name (Linux: at most 15 characters) or an address/network to bind to. */
export const NetworkInterface = grammar(
  'A network interface name (eth0), or an address or CIDR network of one.',
  { max: 49 },
  (v) => {
    if (isIPv4(v) || isIPv6(v) || isCidr(v)) return undefined;
    if (/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/.test(v) && v !== '.' && v !== '..') return undefined;
    return 'must be an interface name (up to 15 letters, digits, _ . -) or an IP address/network';
  },
);

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

const POSIX_NAME_RE = /^[a-z_][a-z0-9_-]{0,31}$/;
const posixName = (what: string): Check => (v) =>
  POSIX_NAME_RE.test(v)
    ? undefined
    : `must be a ${what} name: lower-case letter or _ first, then up to 31 lower-case letters, digits, _ or -`;

/** A Linux user name, which is also the Samba and FTP login. */
export const PosixUserName = grammar('Linux user name (also the SMB and FTP login).', { max: 32 }, posixName('user'));
export type PosixUserName = z.infer<typeof PosixUserName>;

/** A Linux group name. */
export const PosixGroupName = grammar('Linux group name.', { max: 32 }, posixName('group'));
export type PosixGroupName = z.infer<typeof PosixGroupName>;

export const UserNameList = uniqueList(PosixUserName, 'users', 1000, 'User names; no duplicates.');
export const GroupNameList = uniqueList(PosixGroupName, 'groups', 1000, 'Group names; no duplicates.');

const SHARE_FORBIDDEN = /[[\]\\/:*?"<>|;,=+%]/;
const RESERVED_SHARE_NAMES = new Set(['global', 'homes', 'printers', 'ipc$']);

/** What Samba itself cannot take in a section name: injection, look-alikes, its reserved names. */
const sectionNameProblem: Check = (v) => {
  const folded = v.normalize('NFKC');
  if (SHARE_FORBIDDEN.test(v) || SHARE_FORBIDDEN.test(folded)) return 'must not contain any of [ ] \\ / : * ? " < > | ; , = + %';
  if (RESERVED_SHARE_NAMES.has(folded.toLowerCase())) return `${v} is reserved by Samba`;
  return undefined;
};

/**
 * A name that becomes a command-line argument, a path component or a config section must not read
 * as something else to the tools admins run on it: a leading `-` is an option (`smbclient //nas/-o`,
 * `rm -- …`), a leading `#` a comment to every line-oriented parser, and `* ? [ ] ( ) ,` are
 * globs or option syntax (`/srv/*(rw,no_root_squash)` in /etc/exports). Checked after NFKC too,
 * so a full-width `－` or `（` is refused like the real one.
 */
const SHELL_HAZARD = /[*?[\](),]/;
export function toolHazard(v: string): string | undefined {
  const folded = v.normalize('NFKC');
  if (/^[-#]/.test(v) || /^[-#]/.test(folded)) return 'must not start with - or # (tools would read it as an option or a comment)';
  if (SHELL_HAZARD.test(v) || SHELL_HAZARD.test(folded)) return 'must not contain any of * ? [ ] ( ) , (glob and option characters)';
  return undefined;
}

/**
 * The section grammar smb.conf is rendered with: every share name the database may hold, including
 * those stored before `SmbShareName` refused leading `-`/`#` and parentheses. Renderers check with
 * it, so a box upgraded with a share called `Media (old)` keeps serving all its shares; the API
 * takes new names only through `SmbShareName`.
 */
export const SmbSectionName = grammar('SMB share name as written to smb.conf.', { max: 80 }, noEdgeSpace, noSpaceRuns, sectionNameProblem);

/**
 * SMB share name: the `[section]` of smb.conf and what Windows shows. Checked also after NFKC
 * normalisation so a full-width `［` or `％` (which look like the real thing) is refused as well.
 */
export const SmbShareName = grammar(
  'SMB share name (1–80 characters; not global, homes, printers or ipc$; not starting with - or #; none of [ ] \\ / : * ? " < > | ; , = + % ( )).',
  { max: 80 },
  noEdgeSpace,
  noSpaceRuns,
  sectionNameProblem,
  toolHazard,
);
export type SmbShareName = z.infer<typeof SmbShareName>;

/** The key two share names collide on: Samba compares section names case-insensitively. */
export function shareNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

const NETBIOS_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/;
const NETBIOS_MESSAGE = 'must be 1–15 letters, digits, . _ or -, starting with a letter or digit';

/** NetBIOS name of the server: at most 15 characters (the 16th byte is the NetBIOS suffix). */
export const NetbiosName = grammar('NetBIOS name of the server (1–15 letters, digits, . _ or -).', { max: 15 }, (v) =>
  NETBIOS_RE.test(v) ? undefined : NETBIOS_MESSAGE,
);

/** Windows workgroup (NetBIOS domain) name. */
export const SmbWorkgroup = grammar('Windows workgroup (1–15 letters, digits, . _ or -).', { max: 15 }, (v) =>
  NETBIOS_RE.test(v) ? undefined : NETBIOS_MESSAGE,
);

/** PAM service vsftpd authenticates with (a file name under /etc/pam.d). */
export const PamServiceName = grammar('PAM service name (a file in /etc/pam.d).', { max: 64 }, (v) =>
  /^[a-z0-9][a-z0-9._-]{0,63}$/.test(v) && !v.includes('..') ? undefined : 'must be a PAM service file name such as vsftpd',
);

// ---------------------------------------------------------------------------------------------
// Free text
// ---------------------------------------------------------------------------------------------

/**
 * Printable single-line text that reaches a config file verbatim (share comment, server string,
 * banner). Unicode is welcome; `%`, `[`/`]`, edge and doubled whitespace are not (see the header).
 */
function freeText(description: string, max: number) {
  return grammar(description, { max }, noEdgeSpace, noSpaceRuns, noBrackets, noPercent);
}

export const ShareComment = freeText('Share description shown to clients (up to 255 characters, one line, no %, [ or ]).', 255);
export const SmbServerString = freeText('Server description shown in network browsers (up to 255 characters, no %, [ or ]).', 255);
export const FtpBanner = freeText('Greeting the FTP server sends after connecting (up to 255 characters, one line).', 255);
/** Note written as a `#` comment line above an NFS export. */
export const ExportComment = freeText('Note written above the export line (up to 255 characters, one line).', 255);

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

const PATH_FORBIDDEN = /["\\%[\]]/;
const utf8Length = (v: string) => new TextEncoder().encode(v).length;

function pathProblem(v: string): string | undefined {
  if (PATH_FORBIDDEN.test(v)) return 'must not contain " \\ % [ or ]';
  if (v.endsWith(' ')) return 'must not end with a space';
  if (utf8Length(v) > 1024) return 'must be at most 1024 bytes';
  const parts = v.split('/');
  for (const part of parts.slice(1)) {
    if (part === '') return 'must be normalized: no // and no trailing /';
    if (part === '.' || part === '..') return 'must not contain . or .. components';
    if (utf8Length(part) > 255) return 'each component must be at most 255 bytes';
    // A full-width ／ or ％ in a name reads as the real character to whoever reviews the config.
    const folded = part.normalize('NFKC');
    if (folded.includes('/') || folded === '.' || folded === '..' || PATH_FORBIDDEN.test(folded)) return 'must not contain look-alikes of / . " \\ % [ or ] (such as full-width forms)';
  }
  return undefined;
}

/**
 * A normalized absolute path: `/` first, no `//`, `.` or `..` components, no trailing `/`, at most
 * 1024 bytes. The root itself is refused: nothing MoxNAS manages lives at `/`.
 */
export const AbsolutePath = grammar(
  'Absolute, normalized path (no .., //, trailing / or space; none of " \\ % [ ]).',
  { max: 1024 },
  noSpaceRuns,
  (v) => {
    if (!v.startsWith('/')) return 'must be an absolute path starting with /';
    if (v === '/') return 'must not be the file system root';
    return pathProblem(v);
  },
);
export type AbsolutePath = z.infer<typeof AbsolutePath>;

/** A path below a share's root, such as the recycle bin directory `.recycle`. */
export const RelativePath = grammar(
  'Path relative to the share (no leading /, no .. or //).',
  { max: 255 },
  noSpaceRuns,
  (v) => {
    if (v.startsWith('/')) return 'must be relative (no leading /)';
    if (v.startsWith(' ')) return 'must not start with a space';
    return pathProblem(`/${v}`);
  },
);

// ---------------------------------------------------------------------------------------------
// Numbers, masks, sizes, ports
// ---------------------------------------------------------------------------------------------

/** File permission mask in octal, such as `0664` or `2775`. */
export const OctalMask = grammar('Permission mask in octal, such as 0664 or 2775.', { max: 5 }, (v) =>
  /^0?[0-7]{3,4}$/.test(v) ? undefined : 'must be an octal mode such as 0664 or 0775',
);
export type OctalMask = z.infer<typeof OctalMask>;

/** Size with a binary unit suffix as Samba reads it: `500G`, `1T`. */
export const SizeWithUnit = grammar('Size with a unit: K, M, G, T or P (for example 500G or 1T).', { max: 7 }, (v) =>
  /^[1-9][0-9]{0,5}[KMGTP]$/.test(v) ? undefined : 'must be a whole number followed by K, M, G, T or P, such as 500G',
);

export const TcpPort = z.number().int('must be a whole number').min(1, 'must be 1–65535').max(65535, 'must be 1–65535').describe('TCP port (1–65535).');

export const TcpPortRange = z
  .object({ min: TcpPort.describe('First port.'), max: TcpPort.describe('Last port (inclusive).') })
  .refine((r) => r.min <= r.max, { message: 'the first port must not be above the last', path: ['max'] })
  .describe('Inclusive port range.');
export type TcpPortRange = z.infer<typeof TcpPortRange>;

/**
 * The uid/gid NFS maps squashed users to. exportfs parses it into a signed int, so 2^31-1 is the most
 * that survives a round trip (4294967294 would come back as -2).
 */
export const AnonId = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .max(2147483647, 'must be at most 2147483647')
  .describe('uid or gid that squashed NFS users are mapped to.');

// ---------------------------------------------------------------------------------------------
// Protocol specifics
// ---------------------------------------------------------------------------------------------

export const SmbProtocol = z
  .enum(['NT1', 'SMB2', 'SMB2_02', 'SMB2_10', 'SMB3', 'SMB3_00', 'SMB3_02', 'SMB3_11'])
  .describe('Lowest SMB dialect the server accepts. NT1 is SMB1: insecure, only for very old clients.');
export type SmbProtocol = z.infer<typeof SmbProtocol>;

export const NfsSecFlavor = z.enum(['sys', 'krb5', 'krb5i', 'krb5p']).describe('NFS security flavour.');
export type NfsSecFlavor = z.infer<typeof NfsSecFlavor>;

export const NfsSecFlavors = z
  .array(NfsSecFlavor)
  .min(1, 'at least one security flavour')
  .refine((l) => new Set(l).size === l.length, 'a flavour is listed twice')
  .describe('Security flavours offered, in order of preference.');

const WILDCARD_RE = /^(?:[A-Za-z0-9*?](?:[A-Za-z0-9*?-]{0,61}[A-Za-z0-9*?])?)(?:\.[A-Za-z0-9*?](?:[A-Za-z0-9*?-]{0,61}[A-Za-z0-9*?])?)*$/;

/**
 * Who an NFS export is for: `*`, an IPv4/IPv6 address, a CIDR network, a host name, a wildcard host
 * name (`*.example.com`, `node?.lan`) or an `@netgroup`. Wildcards over IP digits (`10.0.0.*`) are
 * refused: exportfs would match them against reverse DNS names, not addresses.
 */
export const NfsClientSpec = grammar(
  'NFS client: *, IP address, CIDR network, host name, wildcard host (*.example.com) or @netgroup.',
  { max: 253 },
  (v) => {
    if (v === '*' || isIPv4(v) || isIPv6(v) || isCidr(v) || isHostname(v)) return undefined;
    if (v.startsWith('@')) {
      return /^@[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(v) ? undefined : 'a netgroup is @ followed by letters, digits, _ . -';
    }
    if (/[*?]/.test(v) && WILDCARD_RE.test(v)) {
      const labels = v.split('.');
      if (!/[A-Za-z]/.test(labels[labels.length - 1])) return 'for address ranges use a CIDR network such as 10.0.0.0/24';
      return undefined;
    }
    return `must be *, ${ADDRESS_HINT}, a wildcard host name or @netgroup`;
  },
);
export type NfsClientSpec = z.infer<typeof NfsClientSpec>;
