import { aclWithMode, captureRegex, metadataPlan, parseGetfattrDump, quoteName, unquoteName, xattrDigest } from './xattrs';

describe('xattrs', () => {
  it('parses getfattr dumps, with escaped names and empty values', () => {
    const dump = '# file: ./a\nuser.empty=0s\nuser.k=0saGVsbG8=\n\n# file: ./n\\012l\nuser.x=0sMQ==\n\n# file: ./back\\134slash\nuser.b=0sMQ==\n';
    const parsed = parseGetfattrDump(dump);
    expect([...parsed.keys()]).toEqual(['a', 'n\nl', 'back\\slash']);
    expect(parsed.get('a')?.get('user.empty')).toBe('""');
    expect(parsed.get('a')?.get('user.k')).toBe('0saGVsbG8=');
  });

  it('quotes names the way setfattr --restore unquotes them', () => {
    for (const name of ['plain', 'n\nl', 'back\\slash', 'été', 'tab\there']) expect(unquoteName(quoteName(name))).toBe(name);
    expect(quoteName('n\nl')).toBe('n\\012l');
  });

  it('fits an access ACL to a mode as chmod does, leaving named entries alone', () => {
    // user::rw- user:1234:rw- group::r-- mask::rw- other::r--
    const acl = '0sAgAAAAEABgD/////AgAGANIEAAAEAAQA/////xAABgD/////IAAEAP////8=';
    const narrowed = aclWithMode(acl, 0o444);
    const perms = (v: string) => {
      const b = Buffer.from(v.slice(2), 'base64');
      const out: number[] = [];
      for (let off = 4; off < b.length; off += 8) out.push(b.readUInt16LE(off + 2));
      return out;
    };
    expect(perms(narrowed)).toEqual([4, 6, 4, 4, 4]);
    expect(aclWithMode(narrowed, 0o664)).toBe(acl);
  });

  it('plans what a pool keeps, and why not the rest', () => {
    const plan = metadataPlan(
      { posixAcl: { available: true, reason: '' }, userXattr: { available: true, reason: '' }, securityXattr: { available: false, reason: 'needs CAP_SYS_ADMIN' } },
      { getfattr: true, setfattr: true },
    );
    expect(plan.captured).toEqual(['system.posix_acl_access', 'system.posix_acl_default', 'user.*']);
    expect(plan.notCaptured).toEqual([{ what: 'security.*', reason: 'needs CAP_SYS_ADMIN' }]);
    expect(captureRegex(plan)).toBe('^(system\\.posix_acl_access$|system\\.posix_acl_default$|user\\.)');
    expect(metadataPlan(null, { getfattr: true, setfattr: true }).captured).toEqual([]);
    expect(metadataPlan({ posixAcl: { available: true, reason: '' }, userXattr: { available: true, reason: '' }, securityXattr: { available: true, reason: '' } }, { getfattr: false, setfattr: true }).notCaptured[0].reason).toMatch(/attr/);
  });

  it('digests sets independently of order', () => {
    expect(xattrDigest(new Map([['a', '1'], ['b', '2']]))).toBe(xattrDigest(new Map([['b', '2'], ['a', '1']])));
    expect(xattrDigest(new Map())).toBeUndefined();
  });
});
