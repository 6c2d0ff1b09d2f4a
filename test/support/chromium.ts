/**
 * Chromium for the browser tests, driven by playwright-core: found as .ci/run finds it (missing: one line,
 * and a failure under CI=true — see tools.ts), launched headless on a fresh profile that is removed again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { landingFields } from './marketplace-loopback';
import { findChromium, needsTool, type ToolCheck } from './tools';

/** `needsTool` for chromium: use `.describe` for the suite, `.path` to launch it. */
export function needsChromium(suite: string): ToolCheck {
  return needsTool('chromium', findChromium(), suite, 'apt-get install -y chromium (or set SBT_CHROMIUM)');
}

/**
 * Quiet in a sandboxless container and offline: no GPU, no background fetches (updates, sync), no
 * first-run pages — nothing but the page under test talks to the network.
 */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface ChromiumProfile {
  /** A persistent context (a real profile: cookies are kept as a buyer's browser keeps them). */
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/**
 * Headless Chromium at `executablePath` on a new user-data directory; each call is another browser (its
 * own cookies). `viewport` defaults to playwright's (1280×720).
 */
export async function launchChromium(
  executablePath: string,
  o: { viewport?: { width: number; height: number } } = {},
): Promise<ChromiumProfile> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'sbt-chromium-'));
  const removeProfile = () => rmSync(userDataDir, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: ARGS,
      ...(o.viewport ? { viewport: o.viewport } : {}),
    });
  } catch (err) {
    removeProfile();
    throw err;
  }
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        removeProfile();
      }
    },
  };
}

const attribute = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/**
 * What AWS Marketplace's "Set up your account" does in the buyer's browser: a form POST of the registration
 * token (and offer type) to the fulfillment URL `action`. The page first opens `from` (same origin as
 * `action`, so the POST is a plain navigation) and waits until the browser is at a URL matching `until`.
 */
export async function postMarketplaceForm(
  page: Page,
  o: { from: string; action: string; token: string; offerType?: string; until: RegExp },
): Promise<void> {
  await page.goto(o.from);
  const inputs = Object.entries(landingFields(o.token, o.offerType))
    .map(([name, value]) => `<input name="${name}" value="${attribute(value)}">`)
    .join('');
  await page.setContent(`<form id="mp" method="POST" action="${attribute(o.action)}">${inputs}</form>`);
  await Promise.all([page.waitForURL(o.until), page.evaluate('document.getElementById("mp").submit()')]);
}
