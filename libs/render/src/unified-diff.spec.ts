import { unifiedDiff } from './unified-diff';

describe('unifiedDiff', () => {
  it('is empty when nothing changes', () => {
    expect(unifiedDiff('/etc/exports', 'a\n', 'a\n')).toBe('');
    expect(unifiedDiff('/etc/exports', null, null)).toBe('');
  });

  it('has git-style headers and hunks', () => {
    const diff = unifiedDiff('/etc/samba/smb.conf', '[global]\n\tworkgroup = A\n', '[global]\n\tworkgroup = B\n');
    expect(diff).toBe(
      ['--- a/etc/samba/smb.conf', '+++ b/etc/samba/smb.conf', '@@ -1,2 +1,2 @@', ' [global]', '-\tworkgroup = A', '+\tworkgroup = B', ''].join('\n'),
    );
  });

  it('shows new and removed files against /dev/null', () => {
    expect(unifiedDiff('/etc/vsftpd/users/alice', null, 'local_root=/x\n')).toMatch(/^--- \/dev\/null\n\+\+\+ b\/etc\/vsftpd\/users\/alice\n@@ -0,0 \+1,1 @@\n\+local_root=\/x\n/);
    expect(unifiedDiff('/etc/vsftpd/users/alice', 'local_root=/x\n', null)).toMatch(/^--- a\/etc\/vsftpd\/users\/alice\n\+\+\+ \/dev\/null\n/);
  });

  it('keeps the context small', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const after = before.replace('line 10', 'line ten');
    const diff = unifiedDiff('/x', before, after);
    expect(diff).toContain('@@ -8,7 +8,7 @@');
    expect(diff).not.toContain('line 3');
  });
});
