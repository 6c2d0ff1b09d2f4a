// Tests leave no temp folders behind: every cdktf Testing.app() creates a `cdktf.outdir.*` folder in
// os.tmpdir() and never removes it, so the jest run gives its workers a temp dir of their own that the
// global teardown deletes (test/support/global-setup.ts). This fails if that redirection is lost.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { testApp } from '../../support/synth';

test("Testing.app() outdirs land in the run's own temp folder, which the global teardown removes", () => {
  const runTmp = process.env.SBT_TEST_RUN_TMPDIR;
  expect(runTmp).toBeTruthy();
  expect(tmpdir()).toBe(runTmp);
  const app = testApp();
  expect(dirname(app.outdir)).toBe(runTmp);
  expect(existsSync(app.outdir)).toBe(true);
});
