/**
 * Runs inside `unshare -m --propagation private -- node -e <this> <candidate> <scratch>`: a private
 * mount namespace, so the bind mounts below vanish with the process and the host never sees them.
 * It is a fixed program given to node as an argument (no shell, no interpolation; the two paths
 * arrive in argv), because exportfs has no option to read another file than /etc/exports.
 *
 * Inside: the candidate over /etc/exports, an empty dir over /etc/exports.d (only the candidate
 * counts) and a scratch dir over /var/lib/nfs (so the real etab/rmtab are not rewritten), then
 * `exportfs -ra` (the verdict) and `exportfs -v` (what it made of it). Prints one JSON object.
 */
export const EXPORTS_NAMESPACE_SCRIPT = String.raw`
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const [candidate, scratch] = process.argv.slice(1);
const SEARCH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const env = { PATH: SEARCH.join(':'), LANG: 'C.UTF-8' };
function which(name) {
  for (const dir of SEARCH) {
    const file = path.join(dir, name);
    try { fs.accessSync(file, fs.constants.X_OK); return file; } catch (e) { /* next */ }
  }
  throw new Error(name + ' is not installed');
}
function run(file, args) {
  const r = spawnSync(file, args, { encoding: 'utf8', env, shell: false, timeout: 15000 });
  return { code: r.status === null ? 128 : r.status, stdout: r.stdout || '', stderr: (r.stderr || '') + (r.error ? r.error.message : '') };
}
try {
  const mount = which('mount');
  const exportfs = which('exportfs');
  const bind = (from, to) => {
    const r = run(mount, ['--bind', from, to]);
    if (r.code !== 0) throw new Error('mount --bind ' + to + ': ' + r.stderr.trim());
  };
  const state = path.join(scratch, 'nfs-state');
  const emptyDir = path.join(scratch, 'exports.d');
  fs.mkdirSync(state, { mode: 0o700 });
  fs.mkdirSync(emptyDir, { mode: 0o700 });
  if (!fs.existsSync('/etc/exports')) throw new Error('/etc/exports does not exist to mount the candidate over');
  if (!fs.existsSync('/var/lib/nfs')) throw new Error('/var/lib/nfs does not exist');
  bind(candidate, '/etc/exports');
  if (fs.existsSync('/etc/exports.d')) bind(emptyDir, '/etc/exports.d');
  bind(state, '/var/lib/nfs');
  const reexport = run(exportfs, ['-ra']);
  const verbose = run(exportfs, ['-v']);
  let etab = '';
  try { etab = fs.readFileSync(path.join(state, 'etab'), 'utf8'); } catch (e) { /* exportfs wrote none */ }
  process.stdout.write(JSON.stringify({ reexport, verbose: verbose.stdout, etab }));
} catch (e) {
  process.stdout.write(JSON.stringify({ setupError: String(e && e.message ? e.message : e) }));
  process.exitCode = 3;
}
`;
