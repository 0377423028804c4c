import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTemplateEnvironment, defaultTemplatesDir, findAppRoot } from './template-environment';

describe('template environment', () => {
  it('finds the repository root from source and from a compiled-looking location', () => {
    const root = findAppRoot();
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name).toBe('moxnas');
    expect(findAppRoot(path.join(root, 'dist', 'api', 'libs', 'render', 'src'))).toBe(root);
    expect(fs.existsSync(path.join(defaultTemplatesDir(), 'samba', 'smb.conf.njk'))).toBe(true);
  });

  it('skips foreign package.json files and fails clearly when there is none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-root-'));
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'moxnas' }));
      fs.mkdirSync(path.join(dir, 'node_modules', 'dep'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'node_modules', 'dep', 'package.json'), JSON.stringify({ name: 'dep' }));
      expect(findAppRoot(path.join(dir, 'node_modules', 'dep'))).toBe(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(() => findAppRoot('/')).toThrow(/no package.json named "moxnas"/);
  });

  it('does not HTML-escape, fails on undefined values and trims block lines', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-tpl-'));
    try {
      fs.writeFileSync(path.join(dir, 't.njk'), 'a = {{ v }}\n{% if flag %}\nb\n{% endif %}\nc\n');
      const env = createTemplateEnvironment(dir);
      expect(env.render('t.njk', { v: '<&>"', flag: true })).toBe('a = <&>"\nb\nc\n');
      expect(env.render('t.njk', { v: 'x', flag: false })).toBe('a = x\nc\n');
      expect(() => env.render('t.njk', { flag: true })).toThrow();
      expect(() => env.render('t.njk', { v: null, flag: true })).toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
