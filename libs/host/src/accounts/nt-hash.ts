/**
 * The NT hash Samba stores in its passdb: MD4 of the UTF-16LE password, as 32 uppercase hex digits.
 * MoxNAS keeps it in the database so the passdb can be rebuilt without the password. MD4 is written
 * out here because OpenSSL 3 (and so Node's crypto) no longer offers it by default.
 */
export function ntHash(password: string): string {
  return md4(Buffer.from(password, 'utf16le')).toString('hex').toUpperCase();
}

/** RFC 1320 MD4. Only for the NT hash; never use it to protect anything new. */
export function md4(input: Uint8Array): Buffer {
  const bitLength = input.length * 8;
  // Pad to 56 mod 64 bytes, then the 64-bit little-endian bit length.
  const padded = Buffer.alloc(((input.length + 8) >> 6) * 64 + 64);
  padded.set(input);
  padded[input.length] = 0x80;
  padded.writeUInt32LE(bitLength >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor(bitLength / 0x100000000) >>> 0, padded.length - 4);

  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const rotl = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;
  const f = (x: number, y: number, z: number) => (x & y) | (~x & z);
  const g = (x: number, y: number, z: number) => (x & y) | (x & z) | (y & z);
  const h = (x: number, y: number, z: number) => x ^ y ^ z;
  const x = new Uint32Array(16);

  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) x[i] = padded.readUInt32LE(offset + i * 4);
    const [aa, bb, cc, dd] = [a, b, c, d];

    const r1 = (p: number, q: number, r: number, s: number, k: number, shift: number) => rotl((p + f(q, r, s) + x[k]) >>> 0, shift);
    for (const k of [0, 4, 8, 12]) {
      a = r1(a, b, c, d, k, 3);
      d = r1(d, a, b, c, k + 1, 7);
      c = r1(c, d, a, b, k + 2, 11);
      b = r1(b, c, d, a, k + 3, 19);
    }
    const r2 = (p: number, q: number, r: number, s: number, k: number, shift: number) => rotl((p + g(q, r, s) + x[k] + 0x5a827999) >>> 0, shift);
    for (const k of [0, 1, 2, 3]) {
      a = r2(a, b, c, d, k, 3);
      d = r2(d, a, b, c, k + 4, 5);
      c = r2(c, d, a, b, k + 8, 9);
      b = r2(b, c, d, a, k + 12, 13);
    }
    const r3 = (p: number, q: number, r: number, s: number, k: number, shift: number) => rotl((p + h(q, r, s) + x[k] + 0x6ed9eba1) >>> 0, shift);
    for (const k of [0, 2, 1, 3]) {
      a = r3(a, b, c, d, k, 3);
      d = r3(d, a, b, c, k + 8, 9);
      c = r3(c, d, a, b, k + 4, 11);
      b = r3(b, c, d, a, k + 12, 15);
    }

    a = (a + aa) >>> 0;
    b = (b + bb) >>> 0;
    c = (c + cc) >>> 0;
    d = (d + dd) >>> 0;
  }
  const out = Buffer.alloc(16);
  [a, b, c, d].forEach((word, i) => out.writeUInt32LE(word, i * 4));
  return out;
}
