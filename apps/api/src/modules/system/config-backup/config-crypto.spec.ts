import { decryptConfig, encryptConfig, ConfigDecryptError } from './config-crypto';

// The smallest cost the reader accepts keeps the test fast; production uses KDF.
const FAST = { N: 16384, r: 8, p: 1 };
const header = { format: 'moxnas-config' as const, version: 1 as const, createdAt: '2030-01-01T00:00:00.000Z', appVersion: '1.0.0', hostname: 'nas', sections: [{ name: 'alertChannels', version: 1 }] };

describe('config encryption', () => {
  it('round-trips with the passphrase and hides the content', async () => {
    const doc = await encryptConfig(header, { alertChannels: { secret: 'hunter2-hunter2' } }, 'correct horse battery', FAST);
    expect(doc.data).not.toContain('hunter2');
    expect(Buffer.from(doc.data, 'base64').toString()).not.toContain('hunter2');
    expect(await decryptConfig(doc, 'correct horse battery')).toEqual({ alertChannels: { secret: 'hunter2-hunter2' } });
  });

  it('refuses a wrong passphrase, edited ciphertext, an edited header and absurd cost parameters', async () => {
    const doc = await encryptConfig(header, { a: 1 }, 'correct horse battery', FAST);
    await expect(decryptConfig(doc, 'wrong horse battery')).rejects.toBeInstanceOf(ConfigDecryptError);
    const bytes = Buffer.from(doc.data, 'base64');
    bytes[0] ^= 1;
    await expect(decryptConfig({ ...doc, data: bytes.toString('base64') }, 'correct horse battery')).rejects.toBeInstanceOf(ConfigDecryptError);
    await expect(decryptConfig({ ...doc, hostname: 'other' }, 'correct horse battery')).rejects.toBeInstanceOf(ConfigDecryptError);
    await expect(decryptConfig({ ...doc, encryption: { ...doc.encryption, N: 2 ** 24 } }, 'correct horse battery')).rejects.toThrow(/out of range/);
  });
});
