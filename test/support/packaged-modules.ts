/**
 * Every module as `npm run modules` generates it (scripts/modules.ts packageAll), once per test file:
 * packaged in a beforeAll (async: the module tests are converted by a WebAssembly HCL parser), the temp
 * synth removed in an afterAll. Module names are known up front, for test.each.
 */
import { packageAll } from '../../scripts/modules';
import { MODULE_DESCRIPTIONS } from '../../src/reference-app';
import type { PackagedModule } from '../../tools/module-packager';

export const MODULE_NAMES = Object.keys(MODULE_DESCRIPTIONS).sort();

/** Registers the hooks; the returned function gives the packaged modules inside tests. */
export function packagedModules(): () => Record<string, PackagedModule> {
  let modules: Record<string, PackagedModule> | undefined;
  let cleanup = () => {};
  beforeAll(async () => {
    ({ modules, cleanup } = await packageAll());
  }, 120_000);
  afterAll(() => cleanup());
  return () => {
    if (!modules) throw new Error('modules are packaged in beforeAll: call this inside a test or hook');
    return modules;
  };
}
