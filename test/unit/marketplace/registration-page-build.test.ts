// The registration page is served minified (scripts/lib/registration-page.mjs, run by npm run bundle): the
// HTML minifier only drops white space that never renders, and the build is byte-reproducible and fresh.
// (test/e2e/marketplace/registration-page.test.ts drives the minified page in Chromium.)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const LIB = join(ROOT, 'scripts/lib/registration-page.mjs');

/** Runs `body` (an async function body over the module `page`) in a fresh node process; returns its JSON result. */
function withPage(body: string): unknown {
  const script = `import * as page from ${JSON.stringify(LIB)};
const result = await (async () => { ${body} })();
console.log(JSON.stringify(result));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('minifyHtml drops gaps next to block and head elements, keeps one space between inline ones and all text', () => {
  const html = `<!doctype html>
<html>
<head>
  <!-- a comment -->
  <title>Set  up</title>
  <script src="config.js"></script>
</head>
<body>
  <main>
    <p>Thank you,   buyer.</p>
    <span>a</span>
    <b>b</b>
  </main>
</body>
</html>
`;
  expect(withPage(`return page.minifyHtml(${JSON.stringify(html)});`)).toBe(
    '<!doctype html><html><head><title>Set  up</title><script src="config.js"></script></head><body><main><p>Thank you,   buyer.</p><span>a</span> <b>b</b></main></body></html>',
  );
});

test.each([
  ['<pre>', '<main>\n<pre>  x\n  y</pre>\n</main>'],
  ['<textarea>', '<form>\n<textarea> x </textarea>\n</form>'],
  ['inline script', '<head>\n<script>var a = 1;</script>\n</head>'],
])('minifyHtml refuses %s (white space or code it would not keep)', (_, html) => {
  expect(() => withPage(`return page.minifyHtml(${JSON.stringify(html)});`)).toThrow(/does not handle/);
});

test('the build is byte-reproducible, smaller than the sources, and build/registration-page/ is up to date', () => {
  const [first, second] = withPage(
    'return [await page.renderRegistrationPage(), await page.renderRegistrationPage()];',
  ) as Record<string, string>[];
  expect(second).toEqual(first);
  for (const [file, content] of Object.entries(first!)) {
    const source = readFileSync(join(ROOT, 'src/marketplace/registration-page', file), 'utf8');
    expect([file, content.length < source.length]).toEqual([file, true]);
    expect([file, readFileSync(join(ROOT, 'build/registration-page', file), 'utf8')]).toEqual([file, content]);
  }
});
