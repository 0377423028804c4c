// Writes the OpenAPI document the API serves to openapi/moxnas.openapi.json (commit the result).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync('npx', ['tsc', '-p', 'apps/api/tsconfig.app.json'], { cwd: root, stdio: 'inherit' });
execFileSync('npx', ['tsc-alias', '-p', 'apps/api/tsconfig.app.json'], { cwd: root, stdio: 'inherit' });
const require = (await import('node:module')).createRequire(import.meta.url);
const { openApiDocument } = require(path.join(root, 'dist/api/apps/api/src/core/openapi/openapi.js'));
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
fs.mkdirSync(path.join(root, 'openapi'), { recursive: true });
fs.writeFileSync(path.join(root, 'openapi/moxnas.openapi.json'), `${JSON.stringify(openApiDocument(version), null, 2)}\n`);
console.log('wrote openapi/moxnas.openapi.json');
