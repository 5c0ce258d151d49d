// Headless Chromium walks through what a reader does on the demo site: read
// an article and react to it (the count survives a reload), follow a Related
// link, search and open a result, watch the Recommendation list change after
// reading; then axe-core finds no serious or critical accessibility problem
// on the home, article, search and admin pages, and no page scrolls sideways
// at phone width. Screenshots go to OUT_DIR.
// Usage: node reader.mjs BASE_URL OUT_DIR ARTICLE_PATH LOGIN PASSWORD
//        (exit status 1 on any failure)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { check, done, launch, UA } from './common.mjs';

const [base, outDir, article, login, password] = process.argv.slice(2);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const desktop = { width: 1280, height: 900 };
const phone = { width: 375, height: 667 };
const browser = await launch();

// A new visitor: its own context, so its own cookie.
async function visitor(viewport = desktop, options = {}) {
  const context = await browser.newContext({ userAgent: UA, viewport, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { context, page, problems };
}

async function go(page, path) {
  const r = await page.goto(base + path, { waitUntil: 'load' });
  check(`${path} answers 200`, r.status() === 200, `${r.status()}`);
}

async function click(page, locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
}

const hrefs = (locator) => locator.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
const number = async (locator) => Number((await locator.textContent()).replace(/,/g, ''));

// axe-core's serious and critical findings on the page, one line each. The
// script goes in through the DevTools protocol, which the page's
// Content-Security-Policy does not govern.
async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const line = (v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`;
  const bad = (v) => v.impact === 'serious' || v.impact === 'critical';
  // Lesser findings do not fail the run but are worth seeing.
  for (const v of result.violations.filter((x) => !bad(x))) console.log(`note: axe on ${page.url()}: ${line(v)}`);
  return result.violations.filter(bad).map(line);
}

async function noSideScroll(page, what) {
  const m = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  check(`phone: ${what} does not scroll sideways`, m[0] <= m[1], `scrollWidth ${m[0]} > clientWidth ${m[1]}`);
}

const started = Date.now();
const lap = (what) => console.log(`${what}: ${Date.now() - started} ms`);
try {
  // 1. Read an article and react: the count goes up, stays after a reload,
  // and goes down when pressed again.
  {
    const { context, page, problems } = await visitor();
    await go(page, article);
    const button = page.locator('.reactions button[value=verygood]');
    const count = button.locator('.count');
    const before = await number(count);
    await button.click();
    await page.waitForFunction((b) => {
      const el = document.querySelector('.reactions button[value=verygood]');
      return el.getAttribute('aria-pressed') === 'true' &&
        Number(el.querySelector('.count').textContent.replace(/,/g, '')) === b + 1;
    }, before);
    check('pressing the reaction adds one', (await number(count)) === before + 1);
    await page.reload({ waitUntil: 'load' });
    check('after a reload the count stays up', (await number(count)) === before + 1, `${await number(count)} vs ${before}`);
    await page.screenshot({ path: `${outDir}/reader-reacted.png` });
    check('and the button is still pressed', (await button.getAttribute('aria-pressed')) === 'true');
    await button.click();
    await page.waitForFunction(() =>
      document.querySelector('.reactions button[value=verygood]').getAttribute('aria-pressed') === 'false');
    check('pressing again takes one off', (await number(count)) === before);
    await page.reload({ waitUntil: 'load' });
    check('and that stays after a reload too', (await number(count)) === before, `${await number(count)} vs ${before}`);
    check('with the button not pressed', (await button.getAttribute('aria-pressed')) === 'false');

    // 2. Follow a Related link: it lands on another article page.
    const related = page.locator('section.related li a');
    check('the article has Related links', (await related.count()) >= 1);
    const target = (await related.first().getAttribute('href')).split('?')[0];
    await click(page, related.first());
    check('the Related link lands on its article', new URL(page.url()).pathname === target, page.url());
    check('which is another article page', target !== article && (await page.locator('h1.headline').count()) === 1);
    await page.screenshot({ path: `${outDir}/reader-related.png` });
    check('reading and Related log no errors', problems.length === 0, problems.join('; '));
    await context.close();
  }

  lap('search starts');
  // 3. Search: the form in the Search page, the results, a result link.
  {
    const { context, page, problems } = await visitor();
    await go(page, '/');
    await click(page, page.locator('nav.sections a', { hasText: 'Search' }));
    const box = page.getByRole('searchbox', { name: 'Search the news' });
    await box.fill('capaldi doctor');
    await click(page, page.getByRole('button', { name: 'Search', exact: true }));
    check('the results page has the query in its address', new URL(page.url()).searchParams.get('q') === 'capaldi doctor', page.url());
    const results = page.locator('ol.results li h2 a');
    check('search lists results', (await results.count()) >= 1, `${await results.count()}`);
    await page.screenshot({ path: `${outDir}/reader-search.png` });
    const title = (await results.first().textContent()).trim();
    await click(page, results.first());
    check('a result opens its article', (await page.locator('h1.headline').textContent()).trim() === title);
    check('search logs no errors', problems.length === 0, problems.join('; '));
    await context.close();
  }

  lap('recommendation starts');
  // 4. The Recommendation list changes after reading: a new visitor sees a
  // list on a section's fifth story, reads the first three, and gets
  // another list on that page.
  {
    const { context, page, problems } = await visitor();
    await go(page, '/sport/boxing');
    const links = (await hrefs(page.locator('.card-title a'))).map((h) => h.split('?')[0]);
    check('the section lists five stories or more', links.length >= 5, `${links.length}`);
    const list = () => hrefs(page.locator('section.block.recommendation li a'));
    await go(page, links[4]);
    const before = await list();
    check('a new visitor is shown a Recommendation list', before.length >= 1, `${before.length}`);
    for (const href of links.slice(0, 3)) await go(page, href);
    await go(page, links[4]);
    const after = await list();
    check('after reading there is still a list', after.length >= 1, `${after.length}`);
    check('and it is another list', after.join(' ') !== before.join(' '), `${before.join(' ')} | ${after.join(' ')}`);
    await page.locator('section.block.recommendation').screenshot({ path: `${outDir}/reader-recommendation.png` });
    check('reading logs no errors', problems.length === 0, problems.join('; '));
    await context.close();
  }

  lap('accessibility starts');
  // 5. Accessibility: no serious or critical axe-core finding.
  {
    const { context, page } = await visitor();
    for (const [what, path] of [['home', '/'], ['article', article], ['section', '/sport/boxing'],
      ['search', '/search?q=capaldi+doctor']]) {
      await go(page, path);
      const found = await axe(page);
      check(`axe: the ${what} page has no serious or critical violation`, found.length === 0, '\n  ' + found.join('\n  '));
    }
    // The check can fail: a search box without its label is a critical finding.
    await page.evaluate(() => ['aria-label', 'placeholder'].forEach((a) => document.querySelector('input[name=q]').removeAttribute(a)));
    check('axe: an unlabelled search box is found', (await axe(page)).some((f) => f.startsWith('critical label')));
    await go(page, '/admin/login');
    let found = await axe(page);
    check('axe: the admin login page has no serious or critical violation', found.length === 0, '\n  ' + found.join('\n  '));
    await page.fill('#login', login);
    await page.fill('#password', password);
    await click(page, page.locator('button[type=submit]'));
    check('logged in to the admin', new URL(page.url()).pathname === '/admin', page.url());
    for (const [what, path] of [['admin home', '/admin'], ['admin articles', '/admin/articles'], ['admin editor', '/admin/articles/new']]) {
      await go(page, path);
      found = await axe(page);
      check(`axe: the ${what} page has no serious or critical violation`, found.length === 0, '\n  ' + found.join('\n  '));
    }
    await page.screenshot({ path: `${outDir}/reader-admin.png` });
    await context.close();
  }

  lap('phone starts');
  // 6. Phone width: nothing scrolls sideways.
  {
    const { context, page } = await visitor(phone, { isMobile: true, hasTouch: true });
    for (const [what, path] of [['home', '/'], ['article', article], ['section', '/sport/boxing'],
      ['search', '/search?q=capaldi+doctor']]) {
      await go(page, path);
      await noSideScroll(page, what);
      await page.screenshot({ path: `${outDir}/reader-phone-${what}.png`, fullPage: true });
    }
    await context.close();
  }
  lap('all done');
} catch (e) {
  check('browser run', false, e.stack);
} finally {
  await browser.close();
}
done();
