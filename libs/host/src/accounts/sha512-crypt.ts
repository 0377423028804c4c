import { createHash, randomBytes } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Byte triples of the final digest in the order the SHA-crypt spec encodes them. */
const ORDER: ReadonlyArray<readonly [number, number, number]> = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];

/** Rounds MoxNAS uses: four times glibc's default, still well under a tenth of a second. */
export const SHA512_CRYPT_ROUNDS = 20000;

/**
 * SHA-512 crypt (`$6$`, Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512"), the format
 * `chpasswd -e` accepts on every glibc/libxcrypt system. MoxNAS stores it so Linux passwords can be
 * restored from the database alone, as the NT hash restores the Samba passdb.
 */
export function sha512Crypt(password: string, salt?: string, rounds = SHA512_CRYPT_ROUNDS): string {
  const saltText = (salt ?? randomSalt()).slice(0, 16);
  if (!/^[./0-9A-Za-z]*$/.test(saltText)) throw new Error('salt may contain only ./0-9A-Za-z');
  const r = Math.min(999_999_999, Math.max(1000, Math.floor(rounds)));
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(saltText, 'ascii');
  const sha = (...parts: Buffer[]) => {
    const h = createHash('sha512');
    for (const part of parts) h.update(part);
    return h.digest();
  };
  const repeat = (digest: Buffer, length: number) => {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += 64) digest.copy(out, i, 0, Math.min(64, length - i));
    return out;
  };

  const b = sha(p, s, p);
  const a = createHash('sha512').update(p).update(s).update(repeat(b, p.length));
  for (let n = p.length; n > 0; n >>= 1) a.update(n & 1 ? b : p);
  let c = a.digest();

  const dp = sha(...Array<Buffer>(p.length).fill(p));
  const pSeq = repeat(dp, p.length);
  const ds = sha(...Array<Buffer>(16 + c[0]).fill(s));
  const sSeq = repeat(ds, s.length);

  for (let i = 0; i < r; i++) {
    const h = createHash('sha512');
    h.update(i & 1 ? pSeq : c);
    if (i % 3) h.update(sSeq);
    if (i % 7) h.update(pSeq);
    h.update(i & 1 ? c : pSeq);
    c = h.digest();
  }

  let encoded = '';
  const emit = (b2: number, b1: number, b0: number, chars: number) => {
    let w = (b2 << 16) | (b1 << 8) | b0;
    for (let i = 0; i < chars; i++) {
      encoded += ITOA64[w & 0x3f];
      w >>= 6;
    }
  };
  for (const [x, y, z] of ORDER) emit(c[x], c[y], c[z], 4);
  emit(0, 0, c[63], 2);

  // The spec leaves the default round count out of the string.
  const roundsPart = r === 5000 ? '' : `rounds=${r}$`;
  return `$6$${roundsPart}${saltText}$${encoded}`;
}

function randomSalt(): string {
  return [...randomBytes(16)].map((byte) => ITOA64[byte & 0x3f]).join('');
}
