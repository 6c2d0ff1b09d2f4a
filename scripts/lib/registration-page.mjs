// The Marketplace registration page as it is served: src/marketplace/registration-page/ minified into
// build/registration-page/ (run by `npm run bundle`, so by synth, modules, test and the package build).
// app.js and style.css go through esbuild; index.html loses the whitespace between its tags. The construct
// (src/marketplace/registration-web-page.ts) uploads these files, and the package ships them (package.json
// `files`). Byte-reproducible: the same sources and the esbuild version package-lock.json pins give the same
// bytes. The sources' hashes are recorded, so a build with nothing changed does not load esbuild.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileHashesCurrent, writeFileHashes } from './file-hashes.mjs';
import { ROOT } from './handlers.mjs';

export const PAGE_SOURCE_DIR = join(ROOT, 'src', 'marketplace', 'registration-page');
export const PAGE_BUILD_DIR = join(ROOT, 'build', 'registration-page');
/** Outside the shipped folder: what the build was made from. */
const MANIFEST = join(ROOT, 'build', 'registration-page.manifest.json');
const FILES = ['index.html', 'app.js', 'style.css'];

/**
 * Elements whose neighbouring white space never renders (block-level, document and metadata elements): a
 * gap next to one of them is dropped. A gap between two other (inline) elements renders as one space, so it
 * is kept as one space.
 */
const NO_GAP = new Set(
  '!doctype html head body meta link script style title base main header footer nav section article aside div form fieldset h1 h2 h3 h4 h5 h6 p ul ol li dl dt dd table thead tbody tr th td hr br'.split(
    ' ',
  ),
);

/**
 * Drops the white space between tags of our page (indentation and line breaks) and HTML comments. Text
 * inside elements is left as written. Markup where white space is content (`<pre>`, `<textarea>`) or
 * inline code is refused rather than risked.
 */
export function minifyHtml(html) {
  const risky = /<(pre|textarea)\b|<script\b[^>]*>\s*[^<\s]/i.exec(html);
  if (risky)
    throw new Error(`registration page: index.html has ${risky[0].trim()}…, which this minifier does not handle`);
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/(<\/?([!A-Za-z][\w-]*)[^>]*>)\s+(?=<\/?([!A-Za-z][\w-]*))/g, (_, tag, left, right) =>
      NO_GAP.has(left.toLowerCase()) || NO_GAP.has(right.toLowerCase()) ? tag : `${tag} `,
    )
    .trim();
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

function inputs() {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  return {
    esbuild: lock.packages?.['node_modules/esbuild']?.version ?? 'unknown',
    minifier: sha256(readFileSync(new URL(import.meta.url))),
    files: Object.fromEntries(FILES.map((f) => [f, sha256(readFileSync(join(PAGE_SOURCE_DIR, f)))])),
  };
}

function upToDate(current) {
  if (!existsSync(MANIFEST) || FILES.some((f) => !existsSync(join(PAGE_BUILD_DIR, f)))) return false;
  return JSON.stringify(JSON.parse(readFileSync(MANIFEST, 'utf8')).inputs) === JSON.stringify(current);
}

/** The served files (name → content) from the sources: what the build writes, computed without writing. */
export async function renderRegistrationPage() {
  const { transform } = await import('esbuild');
  const read = (f) => readFileSync(join(PAGE_SOURCE_DIR, f), 'utf8');
  // A classic script (an IIFE, not a module) and a plain stylesheet; no target: the syntax stays as written.
  const minify = async (f, loader) =>
    (await transform(read(f), { loader, minify: true, legalComments: 'none', charset: 'utf8' })).code;
  return {
    'index.html': `${minifyHtml(read('index.html'))}\n`,
    'app.js': await minify('app.js', 'js'),
    'style.css': await minify('style.css', 'css'),
  };
}

/** Builds build/registration-page/ (skipped when `ifStale` and nothing changed); returns the byte sizes. */
export async function buildRegistrationPage({ ifStale = false } = {}) {
  const current = inputs();
  if (ifStale && upToDate(current)) {
    // The served files' hash record (build/registration-page.hashes.json, read by synth: src/core/file-hashes.ts).
    if (!fileHashesCurrent(PAGE_BUILD_DIR, FILES)) writeFileHashes(PAGE_BUILD_DIR, FILES);
    return undefined;
  }
  const out = await renderRegistrationPage();
  mkdirSync(PAGE_BUILD_DIR, { recursive: true });
  const sizes = {};
  for (const f of FILES) {
    // Unchanged bytes are not rewritten, changed ones replaced by a rename: a synth reading the page while
    // another process bundles (npm test runs both) never sees a missing or half-written file.
    const dest = join(PAGE_BUILD_DIR, f);
    if (!existsSync(dest) || readFileSync(dest, 'utf8') !== out[f]) {
      const tmp = `${dest}.${process.pid}.tmp`;
      writeFileSync(tmp, out[f]);
      renameSync(tmp, dest);
    }
    sizes[f] = {
      source: readFileSync(join(PAGE_SOURCE_DIR, f)).length,
      built: Buffer.byteLength(out[f]),
    };
  }
  writeFileSync(MANIFEST, `${JSON.stringify({ inputs: current, sizes }, null, 2)}\n`);
  writeFileHashes(PAGE_BUILD_DIR, FILES);
  return sizes;
}
