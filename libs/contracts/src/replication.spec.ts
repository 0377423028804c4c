import { ExcludePattern, ExcludePatterns, RemotePath, ReplicationHost, ReplicationTaskCreate } from './replication';

const problem = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } }, v: unknown) => {
  const r = schema.safeParse(v);
  return r.success ? undefined : r.error?.issues[0]?.message;
};

describe('rsync exclude patterns', () => {
  it.each(['*.tmp', '/cache/', 'photos/**/thumbs', '.DS_Store', 'name with space', 'ends-with-dash-', 'a'.repeat(255)])('takes %s', (v) => {
    expect(problem(ExcludePattern, v)).toBeUndefined();
  });

  it.each([
    ['', /must not be empty/],
    ['a\nb', /single line/],
    ['a\rb', /single line/],
    ['tab\there', /control characters/],
    ['nul\u0000', /control characters/],
    ['-evil', /must not start with -, \+ or !/],
    ['+ keep', /must not start with -, \+ or !/],
    ['!', /must not start with -, \+ or !/],
    ['# note', /comment markers/],
    [';x', /comment markers/],
    [' lead', /whitespace/],
    ['trail ', /whitespace/],
    ['back\\slash', /backslash/],
    ['bidi\u202eevil', /invisible/],
    ['a'.repeat(256), /at most 255/],
  ])('refuses %j', (v, message) => {
    expect(problem(ExcludePattern, v)).toMatch(message);
  });

  it('bounds the list and refuses duplicates', () => {
    expect(problem(ExcludePatterns, Array.from({ length: 101 }, (_, i) => `p${i}`))).toMatch(/at most 100/);
    expect(problem(ExcludePatterns, ['*.tmp', '*.tmp'])).toMatch(/twice/);
  });
});

describe('replication target fields', () => {
  it.each(['nas2.example.lan', '10.0.0.5', 'fd00::5', 'backup'])('takes host %s', (v) => expect(problem(ReplicationHost, v)).toBeUndefined());
  it.each(['-oProxyCommand=sh', 'a b', 'user@host', 'host:22', '', 'x\n'])('refuses host %j', (v) => expect(problem(ReplicationHost, v)).toBeDefined());

  it.each(['/backup/media', '/srv/nas-1/a_b.c+d@e=f,g'])('takes remote path %s', (v) => expect(problem(RemotePath, v)).toBeUndefined());
  it.each([
    ['relative', /absolute/],
    ['/', /root directory/],
    ['/a/../etc', /\.\. components/],
    ['/a//b', /\/\//],
    ['/with space', /only letters/],
    ['/$HOME', /only letters/],
    ['/~root', /only letters/],
    ['/a*', /only letters/],
    ['/x:y', /only letters/],
    ["/it's", /only letters/],
  ])('refuses remote path %j', (v, message) => expect(problem(RemotePath, v)).toMatch(message));

  it('fills the defaults of a new task: port 22, on demand, no limit, no delete', () => {
    const parsed = ReplicationTaskCreate.parse({ name: 'media', datasetId: '5d3b1b0e-1c1e-4f57-9a55-0b7b0f3ad8a1', host: 'nas2', user: 'backup', remotePath: '/backup/media' });
    expect(parsed).toMatchObject({ port: 22, schedule: null, timezone: 'UTC', bandwidthLimitKiBps: null, deleteOnTarget: false, excludes: [], enabled: true });
  });
});
