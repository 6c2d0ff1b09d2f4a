// Skips a synthesis whose inputs and outputs are all unchanged, as `tsc --incremental` or make would.
//
// A synthesis is a pure function of: the compiled app (dist/main.app.js, itself cached by the content of
// every source it was built from, see compile.mjs), every file the app reads while it runs (handler
// archives, the registration page, …: recorded by watching fs reads during a real synthesis, not listed
// by hand), the environment variables cdktf and our stacks read (CDKTF_*, SBT_*, AWS_*, SYNTH_*,
// TERRAFORM_*), the Node version, the output folder and the working directory. dist/.synth-cache.json
// keeps the sha256 of each, plus the sha256 of every file the synthesis wrote. `npm run synth` re-runs the
// app unless every one of those still matches, so an edited, added or deleted output file, a changed
// asset, a different context or a new app build all synthesize again; `--force` always does.
import fs from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { hashFile, sha256 } from './compile.mjs';
import { ROOT } from './handlers.mjs';

const CACHE = join(ROOT, 'dist', '.synth-cache.json');
const ENV_PREFIXES = ['CDKTF_', 'SBT_', 'AWS_', 'SYNTH_', 'TERRAFORM_'];

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}

/** What identifies a synthesis besides the files it reads. */
export function synthKey({ app, outdir, env = process.env }) {
  const vars = Object.keys(env)
    .filter((k) => ENV_PREFIXES.some((p) => k.startsWith(p)))
    .sort()
    .map((k) => [k, env[k]]);
  return sha256(
    JSON.stringify({ app: hashFile(app), vars, node: process.version, outdir: resolve(outdir), cwd: process.cwd() }),
  );
}

/** True when the last recorded synthesis had this key and none of its inputs or outputs changed since. */
export function synthIsCurrent({ key, outdir, cacheFile = CACHE }) {
  let record;
  try {
    record = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  } catch {
    return false;
  }
  if (record.key !== key || record.outdir !== resolve(outdir)) return false;
  const written = listFiles(record.outdir).map((f) => relative(record.outdir, f));
  if (JSON.stringify(written) !== JSON.stringify(Object.keys(record.outputs))) return false;
  if (!Object.entries(record.outputs).every(([f, h]) => hashFile(join(record.outdir, f)) === h)) return false;
  return Object.entries(record.inputs).every(([f, h]) => hashFile(f) === h);
}

/**
 * Runs `synthesize` while recording every file it reads through fs (cdktf and our assets read with
 * readFileSync / copyFileSync / cpSync), then stores the key, the inputs' and the outputs' hashes.
 */
export function synthesizeRecorded({ key, outdir, exclude = [], cacheFile = CACHE }, synthesize) {
  const out = resolve(outdir);
  const skip = [out, ...exclude.map((e) => resolve(e))];
  const read = new Set();
  const note = (p) => {
    if (typeof p !== 'string' && !(p instanceof URL)) return;
    const abs = resolve(p instanceof URL ? p.pathname : p);
    if (!skip.some((s) => abs === s || abs.startsWith(s + sep))) read.add(abs);
  };
  const originals = { readFileSync: fs.readFileSync, copyFileSync: fs.copyFileSync, cpSync: fs.cpSync };
  fs.readFileSync = function (p, ...rest) {
    note(p);
    return originals.readFileSync.call(this, p, ...rest);
  };
  fs.copyFileSync = function (src, ...rest) {
    note(src);
    return originals.copyFileSync.call(this, src, ...rest);
  };
  fs.cpSync = function (src, ...rest) {
    for (const f of fs.statSync(src).isDirectory() ? listFiles(src) : [src]) note(f);
    return originals.cpSync.call(this, src, ...rest);
  };
  try {
    synthesize();
  } finally {
    Object.assign(fs, originals);
  }
  const inputs = {};
  for (const f of [...read].sort()) if (fs.statSync(f, { throwIfNoEntry: false })?.isFile()) inputs[f] = hashFile(f);
  const outputs = {};
  for (const f of listFiles(out)) outputs[relative(out, f)] = hashFile(f);
  fs.mkdirSync(dirname(cacheFile), { recursive: true });
  fs.writeFileSync(cacheFile, `${JSON.stringify({ key, outdir: out, inputs, outputs }, null, 2)}\n`);
}
