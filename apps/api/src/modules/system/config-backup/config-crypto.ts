import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import type { ConfigDocument } from '@moxnas/contracts';

/** scrypt cost: N = 2^15, r = 8 (32 MiB, about 100 ms): slow enough to make guessing a passphrase expensive. */
export const KDF = { N: 32768, r: 8, p: 1 } as const;

function scrypt(passphrase: string, salt: Buffer, opts: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...opts, maxmem: 256 * opts.N * opts.r };
  return new Promise((resolve, reject) => scryptCb(passphrase.normalize('NFC'), salt, 32, options, (err, key) => (err ? reject(err) : resolve(key))));
}

type Header = Omit<ConfigDocument, 'data' | 'encryption'>;

/** The clear-text part of the document is bound to the ciphertext as AES-GCM additional data, so it cannot be altered either. */
function aad(header: Header): Buffer {
  return Buffer.from(JSON.stringify([header.format, header.version, header.createdAt, header.appVersion, header.hostname, header.sections]));
}

export async function encryptConfig(header: Header, payload: unknown, passphrase: string, kdf: { N: number; r: number; p: number } = KDF): Promise<ConfigDocument> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await scrypt(passphrase, salt, kdf);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(header));
  const data = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return {
    ...header,
    encryption: { kdf: 'scrypt', ...kdf, salt: salt.toString('base64'), cipher: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') },
    data: data.toString('base64'),
  };
}

export class ConfigDecryptError extends Error {}

/** Decrypts and authenticates; a wrong passphrase and a damaged or edited file fail alike. */
export async function decryptConfig(doc: ConfigDocument, passphrase: string): Promise<unknown> {
  const e = doc.encryption;
  // Refuse cost parameters that would make the server spend minutes or gigabytes on one request.
  if (e.N > 2 ** 20 || e.N < 2 ** 14 || (e.N & (e.N - 1)) !== 0 || e.r < 1 || e.r > 16 || e.p < 1 || e.p > 4) {
    throw new ConfigDecryptError('The file’s key-derivation parameters are out of range.');
  }
  try {
    const key = await scrypt(passphrase, Buffer.from(e.salt, 'base64'), { N: e.N, r: e.r, p: e.p });
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(e.iv, 'base64'));
    decipher.setAAD(aad(doc));
    decipher.setAuthTag(Buffer.from(e.tag, 'base64'));
    const clear = Buffer.concat([decipher.update(Buffer.from(doc.data, 'base64')), decipher.final()]);
    return JSON.parse(clear.toString('utf8'));
  } catch {
    throw new ConfigDecryptError('Wrong passphrase, or the file is damaged or was edited.');
  }
}
