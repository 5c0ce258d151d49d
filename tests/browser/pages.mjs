// Headless Chromium checks of the pages a reader sees: layout on desktop and
// phone, no JavaScript needed, no console errors, navigation by clicking, the
// Recommendation block following what a reader read.
// Usage: node pages.mjs BASE_URL OUT_DIR   (exit status 1 on any failure)
import { check, done, launch, UA } from './common.mjs';

const [base, outDir] = process.argv.slice(2);
const browser = await launch();

async function open(url, options = {}) {
  const context = await browser.newContext({ userAgent: UA, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  const response = await page.goto(url, { waitUntil: 'load' });
  return { context, page, response, problems };
}

try {
  // Home: click through to the lead story.
  {
    const { context, page, response, problems } = await open(base + '/', { viewport: { width: 1280, height: 900 } });
    check('home answers 200', response.status() === 200, response.status());
    const lead = page.locator('.lead-title a');
    check('home has a lead story', (await lead.count()) === 1);
    const title = (await lead.textContent()).trim();
    await page.screenshot({ path: `${outDir}/home.png`, fullPage: false });
    await Promise.all([page.waitForNavigation(), lead.click()]);
    check('clicking the lead opens its article', (await page.locator('h1.headline').textContent()).trim() === title);
    check('home and article log no errors', problems.length === 0, problems.join('; '));
    await context.close();
  }

  // The article page: layout, fonts, breadcrumb; desktop, then phone.
  const article = process.env.ND_ARTICLE;
  {
    const { context, page, response, problems } = await open(base + article, { viewport: { width: 1280, height: 900 } });
    check('article answers 200', response.status() === 200);
    const h1 = page.locator('h1.headline');
    check('headline is visible', await h1.isVisible());
    const font = await h1.evaluate((e) => getComputedStyle(e).fontFamily);
    check('stylesheet applied to the headline', /Georgia|serif/.test(font), font);
    const crumbs = await page.locator('nav.breadcrumb a').allTextContents();
    check('breadcrumb starts at Home', crumbs[0] === 'Home', crumbs.join(' > '));
    check('breadcrumb names the section', crumbs.length >= 2, crumbs.join(' > '));
    check('byline shows the date', await page.locator('.byline time').first().isVisible());
    check('body has paragraphs', (await page.locator('.body p').count()) >= 1);
    const story = await page.locator('.story').boundingBox();
    const rail = await page.locator('.rail').boundingBox();
    check('desktop: the rail sits right of the story', rail.x > story.x + story.width - 1,
      JSON.stringify({ story, rail }));
    check('article logs no errors', problems.length === 0, problems.join('; '));
    await page.screenshot({ path: `${outDir}/article-desktop.png`, fullPage: false });
    await context.close();
  }
  {
    const { context, page } = await open(base + article, { viewport: { width: 375, height: 800 }, isMobile: true });
    const story = await page.locator('.story').boundingBox();
    const rail = await page.locator('.rail').boundingBox();
    check('phone: the rail moves below the story', rail.y >= story.y + story.height - 1,
      JSON.stringify({ story, rail }));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check('phone: nothing overflows sideways', overflow <= 0, `${overflow}px`);
    await page.screenshot({ path: `${outDir}/article-phone.png`, fullPage: false });
    await context.close();
  }
  {
    const { context, page } = await open(base + article, { javaScriptEnabled: false });
    check('article reads without JavaScript', await page.locator('h1.headline').isVisible());
    await context.close();
  }
  // Search from the navigation: type, submit, read highlighted results.
  {
    const { context, page, problems } = await open(base + '/', { viewport: { width: 1280, height: 900 } });
    await Promise.all([page.waitForNavigation(), page.locator('nav.sections a', { hasText: 'Search' }).click()]);
    await page.fill('input[name=q]', 'capaldi doctor');
    await Promise.all([page.waitForNavigation(), page.press('input[name=q]', 'Enter')]);
    const results = await page.locator('ol.results li').count();
    check('search lists results', results >= 5, `${results}`);
    check('search highlights the words', (await page.locator('.snippet mark').count()) >= 5);
    check('the query stays in the box', (await page.inputValue('input[name=q]')) === 'capaldi doctor');
    check('search logs no errors', problems.length === 0, problems.join('; '));
    await page.screenshot({ path: `${outDir}/search.png`, fullPage: false });
    await context.close();
  }
  // The article page's Related block links to the same story.
  {
    const { context, page } = await open(base + article, { viewport: { width: 1280, height: 900 } });
    const related = page.locator('section.related li a');
    check('the article page has a Related block', (await related.count()) >= 3);
    await context.close();
  }
  // The Recommendation block follows the reader: after three boxing stories
  // the next one's block is there, lists none of them, and is not the list a
  // new reader gets on the same page.
  {
    const { context, page, problems } = await open(base + '/sport/boxing', { viewport: { width: 1280, height: 900 } });
    const links = await page.locator('.card-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    check('the boxing section lists four stories or more', links.length >= 4, `${links.length}`);
    // The section page set the cookie; each story read is a counted view.
    for (const href of links.slice(0, 3)) {
      const r = await page.goto(base + href, { waitUntil: 'load' });
      check(`reading ${href} answers 200`, r.status() === 200, `${r.status()}`);
    }
    await page.goto(base + links[3], { waitUntil: 'load' });
    const block = page.locator('section.block.recommendation');
    check('the next story has a Recommendation block', (await block.count()) === 1 && await block.isVisible());
    check('titled for the reader', (await block.locator('h2').textContent()).trim() === 'Recommended for you');
    const items = block.locator('li a');
    const mine = await items.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    check('the block has 1 to 8 items', mine.length >= 1 && mine.length <= 8, `${mine.length}`);
    // The block's links carry ?ref=rec (its click-through count): compare paths.
    check('none of them read or open', mine.every((h) => !links.slice(0, 4).includes(h.split('?')[0])), mine.join(' '));
    check('the first item is visible', await items.first().isVisible());
    const reasons = await block.locator('li').evaluateAll((ls) => ls.map((l) => l.dataset.reason));
    check('some are there for what was read', reasons.some((r) => r === 'content' || r === 'covisit'), reasons.join(','));
    check('recommendations log no errors', problems.length === 0, problems.join('; '));
    await page.screenshot({ path: `${outDir}/article-recommendations.png`, fullPage: true });

    const fresh = await open(base + links[3], { viewport: { width: 1280, height: 900 } });
    const theirs = await fresh.page.locator('section.block.recommendation li a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    check('a new reader gets a block too', theirs.length >= 1, `${theirs.length}`);
    check("and it is not the reader's list", theirs.join(' ') !== mine.join(' '), theirs.join(' '));
    await fresh.context.close();
    await context.close();
  }
  // The reaction button: with JavaScript the count changes in place; a second
  // press takes it back; without JavaScript the form posts and comes back.
  {
    const { context, page, problems } = await open(base + article, { viewport: { width: 1280, height: 900 } });
    const button = page.locator('.reactions button[value=verygood]');
    const count = button.locator('.count');
    check('the article page shows veryGood! with its count', /^veryGood! \(\d[\d,]*\)$/.test((await button.textContent()).trim()),
      await button.textContent());
    const before = Number((await count.textContent()).replace(/,/g, ''));
    const url = page.url();
    await button.click();
    await page.waitForFunction(([b]) => document.querySelector('.reactions button[value=verygood]').getAttribute('aria-pressed') === 'true' &&
      Number(document.querySelector('.reactions button[value=verygood] .count').textContent.replace(/,/g, '')) === b + 1, [before]);
    check('pressing veryGood! adds one in place', Number((await count.textContent()).replace(/,/g, '')) === before + 1);
    check('no page load for it', page.url() === url);
    await button.click();
    await page.waitForFunction(() => document.querySelector('.reactions button[value=verygood]').getAttribute('aria-pressed') === 'false');
    check('pressing again takes it back', Number((await count.textContent()).replace(/,/g, '')) === before);
    check('reactions log no errors', problems.length === 0, problems.join('; '));
    await context.close();
  }
  {
    const { context, page } = await open(base + article, { javaScriptEnabled: false });
    const count = page.locator('.reactions button[value=verygood] .count');
    const before = Number((await count.textContent()).replace(/,/g, ''));
    await Promise.all([page.waitForNavigation(), page.locator('.reactions button[value=verygood]').click()]);
    check('without JavaScript the form comes back to the article', page.url().startsWith(base + article), page.url());
    check('and the count went up', Number((await count.textContent()).replace(/,/g, '')) === before + 1);
    await context.close();
  }
} catch (e) {
  check('browser run', false, e.stack);
} finally {
  await browser.close();
}
done();
