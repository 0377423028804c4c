import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import type { HostFs } from '../fs/host-fs';

export interface CertificateFacts {
  path: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
}

export type CertificateRead = { ok: true; cert: CertificateFacts } | { ok: false; path: string; error: string };

const CERT_NAME = /\.(crt|pem|cer)$/i;

/**
 * The PEM certificates in a directory (the first certificate of each file: the leaf of a chain).
 * A file that is not a certificate is reported, not thrown, so one bad file hides no other.
 * Private keys (`*.key`, or PEM files holding only a key) are skipped without being parsed.
 */
export async function readCertificates(fs: HostFs, dir: string): Promise<CertificateRead[]> {
  const st = await fs.stat(dir);
  if (!st || st.type !== 'directory') return [];
  const entries = await fs.readdir(dir);
  const out: CertificateRead[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!CERT_NAME.test(e.name) || (e.type !== 'file' && e.type !== 'symlink')) continue;
    const file = path.join(dir, e.name);
    const text = await fs.readFile(file);
    if (text === null || !text.includes('-----BEGIN CERTIFICATE-----')) continue;
    try {
      const x = new X509Certificate(text);
      out.push({
        ok: true,
        cert: {
          path: file,
          subject: x.subject.replace(/\n/g, ', '),
          issuer: x.issuer.replace(/\n/g, ', '),
          notBefore: new Date(x.validFrom),
          notAfter: new Date(x.validTo),
          fingerprint256: x.fingerprint256,
        },
      });
    } catch (err) {
      out.push({ ok: false, path: file, error: (err as Error).message });
    }
  }
  return out;
}
