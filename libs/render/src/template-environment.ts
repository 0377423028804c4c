import fs from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';

/**
 * The repository (or installed app) root: the nearest directory upwards holding a package.json named
 * "moxnas". Walking up works the same from `libs/render/src` (tests, ts-node) and from the compiled
 * `dist/api/libs/render/src`, and in an installed tree such as /opt/moxnas.
 */
export function findAppRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (name === 'moxnas') return dir;
      } catch {
        /* an unreadable or foreign package.json: keep walking */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json named "moxnas" above ${start}; cannot find templates/`);
    dir = parent;
  }
}

export function defaultTemplatesDir(): string {
  return path.join(findAppRoot(), 'templates');
}

/**
 * A nunjucks environment for config files: no HTML escaping (these are not web pages; the grammars
 * make values safe), `throwOnUndefined` so a misspelt variable fails loudly instead of rendering an
 * empty value, and trim/lstrip blocks so `{% if %}` lines leave no blank lines behind.
 */
export function createTemplateEnvironment(templatesDir: string = defaultTemplatesDir()): nunjucks.Environment {
  return new nunjucks.Environment(new nunjucks.FileSystemLoader(templatesDir, { noCache: false }), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
}

let shared: nunjucks.Environment | undefined;

/** The process-wide environment over the app's `templates/` (templates are compiled once, cached). */
export function templateEnvironment(): nunjucks.Environment {
  shared ??= createTemplateEnvironment();
  return shared;
}

/** Header every generated file starts with; `#` is a comment in smb.conf, exports and vsftpd files. */
export const MANAGED_HEADER = [
  '# Managed by MoxNAS. Generated from the MoxNAS database: local edits are overwritten on the next',
  '# apply and reported as drift. Change these settings in the MoxNAS dashboard or API.',
].join('\n');
