import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Result } from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it). */
export const CHROMIUM = process.env.HOOKBRIDGE_CHROMIUM ?? '/usr/bin/chromium';

const AXE_SOURCE = readFileSync(
  path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'),
  'utf8',
);
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../docs/images');

/** Launches headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

/**
 * A page that records what the browser complained about: uncaught errors, and every console
 * error (a Content-Security-Policy violation is one) — a test ends by expecting none.
 */
export async function openPage(
  context: BrowserContext,
): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused API call is logged by the browser as a failed resource: the screens show it.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(`console: ${message.text()}`);
  });
  return { page, problems };
}

/**
 * Runs axe-core on the page as it is and answers its serious and critical violations, each as
 * a line naming the rule and the elements. The script is evaluated through the DevTools
 * protocol, which the page's CSP does not govern: the CSP stays on for the test.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  // Strings, not functions: this file is compiled without the DOM's types.
  const results = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: Result[];
  };
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
}

/** Whether the page scrolls sideways (wider content than its viewport). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate<boolean>(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  );
}

/**
 * Saves a screenshot of the viewport to docs/images/<name>.png when UPDATE_SCREENSHOTS=1 (the
 * committed images are refreshed on purpose, not by every test run); otherwise only takes it.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ ...options, path: path.join(SCREENSHOTS, `${name}.png`) });
  } else {
    await page.screenshot(options);
  }
}
