import { errnoCode, errorMessage } from './errno';

/** What Node 20 throws for a write a quota refuses. */
function edquot(): NodeJS.ErrnoException {
  return Object.assign(new Error("Unknown system error -122: Unknown system error -122, open '/pool/ds/big.bin'"), { errno: -122, code: 'Unknown system error -122', syscall: 'open' });
}

describe('errno helpers', () => {
  it('spells out EDQUOT, which libuv leaves unnamed', () => {
    expect(errorMessage(edquot())).toBe("disk quota exceeded (EDQUOT), open '/pool/ds/big.bin'");
    expect(errnoCode(edquot())).toBe('EDQUOT');
  });

  it('leaves named errors and plain errors alone', () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { errno: -2, code: 'ENOENT' });
    expect(errorMessage(enoent)).toBe(enoent.message);
    expect(errnoCode(enoent)).toBe('ENOENT');
    expect(errorMessage(new Error('btrfs exited with 1'))).toBe('btrfs exited with 1');
    expect(errorMessage('text')).toBe('text');
  });
});
