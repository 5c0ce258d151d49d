// Shared by the browser checks (pages.mjs, admin.mjs): the tally of checks,
// Debian's Chromium, and the User-Agent of a person's browser.
import { chromium } from 'playwright-core';

const tally = { passed: 0, failed: 0 };

// check(what, ok, detail): counts a check; a failure is printed.
export function check(what, ok, detail = '') {
  if (ok) { tally.passed++; return; }
  tally.failed++;
  console.error(`FAIL: ${what} ${detail}`);
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A reader's browser: headless Chromium names itself HeadlessChrome, which
// the bot list rightly counts as a robot (no cookie, no views, no reactions).
export const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

// Prints the tally and exits: status 1 on any failure.
export function done() {
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exit(tally.failed ? 1 : 0);
}
