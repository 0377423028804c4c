// Gzip size of what the dashboard's initial route loads before it can render: the entry script of
// dist/web/index.html, every module it preloads (its static imports) and its stylesheets. Lazy route
// chunks are listed apart. Run alone (`node scripts/bench/bundle-size.mjs`) or from the bench.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { root } from './ensure-api-build.mjs';

export function bundleSize(webRoot = path.join(root, 'dist/web')) {
  const index = path.join(webRoot, 'index.html');
  if (!fs.existsSync(index)) return { ok: false, reason: 'dist/web/index.html is missing; run npm run build first' };
  const html = fs.readFileSync(index, 'utf8');
  const refs = new Set();
  for (const m of html.matchAll(/<script[^>]+src="([^"]+)"/g)) refs.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+rel="(?:modulepreload|stylesheet)"[^>]*href="([^"]+)"/g)) refs.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+href="([^"]+)"[^>]*rel="(?:modulepreload|stylesheet)"/g)) refs.add(m[1]);
  const files = [...refs].filter((r) => /\.(js|css)$/.test(r)).map((r) => {
    const buf = fs.readFileSync(path.join(webRoot, r.replace(/^\//, '')));
    return { file: r, bytes: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length };
  });
  const assets = path.join(webRoot, 'assets');
  const lazy = fs
    .readdirSync(assets)
    .filter((f) => /\.(js|css)$/.test(f) && !refs.has(`/assets/${f}`))
    .map((f) => ({ file: `/assets/${f}`, gzip: zlib.gzipSync(fs.readFileSync(path.join(assets, f)), { level: 9 }).length }))
    .sort((a, b) => b.gzip - a.gzip);
  const sum = (k) => files.reduce((s, f) => s + f[k], 0);
  return {
    ok: true,
    builtAt: fs.statSync(index).mtime.toISOString(),
    initialJsGzip: files.filter((f) => f.file.endsWith('.js')).reduce((s, f) => s + f.gzip, 0),
    initialCssGzip: files.filter((f) => f.file.endsWith('.css')).reduce((s, f) => s + f.gzip, 0),
    initialGzip: sum('gzip'),
    initialRaw: sum('bytes'),
    files,
    lazyChunks: lazy.length,
    largestLazy: lazy.slice(0, 5),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = bundleSize();
  if (!r.ok) {
    console.error(r.reason);
    process.exit(1);
  }
  for (const f of r.files) console.log(`${(f.gzip / 1024).toFixed(1).padStart(8)} KiB gz  ${f.file}`);
  console.log(`${(r.initialGzip / 1024).toFixed(1).padStart(8)} KiB gz  initial route total (target ≤ 300 KB)`);
}
