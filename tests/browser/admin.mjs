// Headless Chromium checks of the admin's editor: log in, write a new
// article, watch the live preview follow the typing (JavaScript), autosave,
// publish, and find the headline on the home page; then, with JavaScript
// off, preview through the Preview button and save a draft. No console
// errors (a CSP refusal is one) anywhere.
// Usage: node admin.mjs BASE_URL OUT_DIR LOGIN PASSWORD   (exit status 1 on any failure)
import { check, done, launch, UA } from './common.mjs';

const [base, outDir, login, password] = process.argv.slice(2);
const browser = await launch();

async function session(options = {}) {
  const context = await browser.newContext({ userAgent: UA, viewport: { width: 1400, height: 1000 }, ...options });
  const page = await context.newPage();
  const problems = [];
  // The admin's layout (head.mustache) names no icon, so Chromium asks for
  // /favicon.ico, which the site does not have: that one 404 is not ours.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico'))
      problems.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  await page.goto(base + '/admin/login', { waitUntil: 'load' });
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  check('logged in', new URL(page.url()).pathname === '/admin', page.url());
  return { context, page, problems };
}

// Waits until fn() is true (polling), up to ms; returns its last value.
async function until(fn, ms) {
  const end = Date.now() + ms;
  let v;
  while (!(v = await fn().catch(() => false)) && Date.now() < end)
    await new Promise((r) => setTimeout(r, 100));
  return v;
}

// The text of selector in the preview frame, or '' when there is none yet.
async function inPreview(page, selector) {
  const frame = page.frame({ name: 'preview' });
  if (!frame) return '';
  const loc = frame.locator(selector);
  return (await loc.count()) ? (await loc.first().textContent()).trim() : '';
}

const stamp = Date.now().toString(36);
const headline = `Browser headline ${stamp}`;

try {
  // With JavaScript: live preview, autosave, publish, home page.
  {
    const { context, page, problems } = await session();
    await page.goto(base + '/admin/articles/new', { waitUntil: 'load' });
    check('the editor has the preview frame', (await page.locator('iframe[name=preview]').count()) === 1);
    await page.locator('#title').pressSequentially(headline, { delay: 5 });
    await page.locator('#section').fill('Browser');
    await page.locator('#body').pressSequentially('Typed **live** text.', { delay: 5 });
    check('the live preview shows the typed Markdown, rendered',
      await until(async () => (await inPreview(page, '.body strong')) === 'live', 10000),
      await inPreview(page, '.body'));
    check('the preview shows the headline in the site template',
      await until(async () => (await inPreview(page, 'h1.headline')) === headline, 5000));
    check('the preview carries its banner',
      (await inPreview(page, '.nd-preview-banner')).startsWith('Preview'));
    const font = await page.frame({ name: 'preview' }).locator('h1.headline')
      .evaluate((e) => getComputedStyle(e).fontFamily);
    check('the preview has the site stylesheet', /Georgia|serif/.test(font), font);
    await page.locator('#body').pressSequentially(' More words.', { delay: 5 });
    check('the preview follows the typing',
      await until(async () => (await inPreview(page, '.body')).includes('More words.'), 10000));
    await page.screenshot({ path: `${outDir}/admin-editor-live.png`, fullPage: false });

    // Autosave: 30 s after the last change, the new article becomes a draft.
    check('autosave says when it saved',
      await until(async () => /^Saved at \d\d:\d\d:\d\d$/.test(await page.locator('#save-status').textContent()), 45000),
      await page.locator('#save-status').textContent());
    check('the address is now the draft\'s', /\/admin\/articles\/adm-[a-z2-7]{12}$/.test(page.url()), page.url());

    await Promise.all([page.waitForNavigation(), page.click('button[name=action][value=publish]')]);
    check('publish comes back with a notice', (await page.locator('p.notice').first().textContent()).includes('Published.'));
    const view = page.locator('p.notice a');
    check('the notice links the public page', (await view.count()) === 1);
    const url = await view.getAttribute('href');
    check('the public URL is in the section', url === `/browser/browser-headline-${stamp}`, url);
    await page.screenshot({ path: `${outDir}/admin-published.png`, fullPage: false });

    // A published article is never autosaved: the script keeps a copy in
    // localStorage and offers it back on the next visit.
    const id = await page.locator('#editor').getAttribute('data-id');
    await page.evaluate(([key, title]) => localStorage.setItem(key, JSON.stringify(
      { at: Date.now(), fields: { title, body: 'Restored body text.' } })), [`nd-admin-copy:${id}`, headline]);
    await page.reload({ waitUntil: 'load' });
    check('a kept copy is offered back', await page.locator('#restore').isVisible());
    await page.click('#restore button:text("Restore them")');
    check('restore fills the form', (await page.locator('#body').inputValue()) === 'Restored body text.');
    check('and the preview follows',
      await until(async () => (await inPreview(page, '.body')) === 'Restored body text.', 10000));
    await page.screenshot({ path: `${outDir}/admin-restored.png`, fullPage: false });

    // The snapshot is rebuilt within a moment of the save.
    let onHome = false;
    for (let i = 0; i < 50 && !onHome; i++) {
      await page.goto(base + '/', { waitUntil: 'load' });
      onHome = (await page.getByText(headline).count()) > 0;
      if (!onHome) await new Promise((r) => setTimeout(r, 100));
    }
    check('the home page shows the headline', onHome);
    await page.screenshot({ path: `${outDir}/admin-home.png`, fullPage: false });
    await page.goto(base + url, { waitUntil: 'load' });
    check('the article page shows it', (await page.locator('h1.headline').textContent()).trim() === headline);
    check('the restored copy did not change the live article',
      (await page.locator('.body').textContent()).includes('More words.'));
    check('no console errors with JavaScript', problems.length === 0, problems.join('; '));
    await context.close();
  }

  // Without JavaScript: the Preview button renders into the frame; Save draft saves.
  {
    const { context, page, problems } = await session({ javaScriptEnabled: false });
    await page.goto(base + '/admin/articles/new', { waitUntil: 'load' });
    await page.fill('#title', `No script ${stamp}`);
    await page.fill('#body', 'Written **without** a script.');
    check('no preview before the click', (await inPreview(page, '.body')) === '');
    await page.click('#preview-button');
    check('the Preview button renders into the frame',
      await until(async () => (await inPreview(page, '.body strong')) === 'without', 10000));
    check('the editor page stays', new URL(page.url()).pathname === '/admin/articles/new', page.url());
    await page.screenshot({ path: `${outDir}/admin-nojs-preview.png`, fullPage: false });
    await Promise.all([page.waitForNavigation(), page.click('button[name=action][value=draft]')]);
    check('Save draft comes back with a notice', (await page.locator('p.notice').first().textContent()).includes('Draft saved.'));
    check('the draft keeps its text', (await page.locator('#body').inputValue()) === 'Written **without** a script.');
    await page.goto(base + '/admin/articles?status=draft', { waitUntil: 'load' });
    check('the draft is listed', (await page.getByText(`No script ${stamp}`).count()) === 1);
    await page.screenshot({ path: `${outDir}/admin-list.png`, fullPage: false });
    check('no console errors without JavaScript', problems.length === 0, problems.join('; '));
    await context.close();
  }
} catch (e) {
  check('browser run', false, e.stack);
} finally {
  await browser.close();
}
done();
