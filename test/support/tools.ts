/**
 * External tools some suites need (chromium for the browser test, openssl for its local TLS). No silent
 * skips: a missing tool prints ONE line naming the tool, the suite and how to install it; under `CI=true`
 * (CI installs everything, see .ci/run) the suite fails with that same line instead of being skipped.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of `name` on PATH (what `command -v name` prints), or undefined. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

const executable = (p: string) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Where distributions put chromium when it is not on PATH (Debian, Ubuntu's snap, Fedora, Alpine). */
export const KNOWN_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/lib/chromium/chromium',
  '/usr/lib64/chromium-browser/chromium-browser',
];

/** Chromium as .ci/run finds it: SBT_CHROMIUM if set, then `command -v chromium` / `chromium-browser`, then known paths. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SBT_CHROMIUM) return executable(env.SBT_CHROMIUM) ? env.SBT_CHROMIUM : undefined;
  return onPath('chromium', env.PATH) ?? onPath('chromium-browser', env.PATH) ?? KNOWN_CHROMIUM_PATHS.find(executable);
}

export interface ToolCheck {
  /** The tool's path when present. */
  readonly path?: string;
  /** `describe` when present; otherwise `describe.skip` (local runs) — under CI=true a failing suite. */
  readonly describe: jest.Describe;
  /** The one line printed when the tool is missing. */
  readonly message?: string;
}

/**
 * Use in place of `describe` for a suite that needs `tool`. Missing locally: one line on stderr and the
 * suite is skipped. Missing under CI=true: one test, named by the line, fails with the line (no stack).
 */
export function needsTool(
  tool: string,
  path: string | undefined,
  suite: string,
  install: string,
  env: NodeJS.ProcessEnv = process.env,
): ToolCheck {
  if (path) return { path, describe };
  const ci = env.CI === 'true' || env.CI === '1';
  const message = `MISSING TOOL ${tool}: ${suite} ${ci ? 'FAILS (CI=true)' : 'skipped'} — install it: ${install}`;
  process.stderr.write(`${message}\n`);
  if (!ci) return { describe: describe.skip, message };
  const failing = ((name: string) => {
    test(message, () => {
      const err = new Error(message);
      err.stack = message; // the line is the whole report
      throw err;
    });
    void name;
  }) as unknown as jest.Describe;
  return { describe: failing, message };
}
