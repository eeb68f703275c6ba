// The sign-in page before its app has started: it arrives drawn, in the reader's language, as
// the app draws it; its form works as a plain form, and a press that comes back says why;
// and the app takes over what was typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  BASE_URL, DEMO, launch, openPage, heading, drawnSignInScreen, preRenderedScreenFile,
  SIGN_IN_STATES,
} from './helpers.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/// Holds back the sign-in app's wasm, so the page stays as the server sent it, until `release`.
async function holdTheApp(page) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route('**/signin-*_bg.wasm', async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

for (const lang of ['en', 'zh-CN']) {
  test(`the app draws the sign-in screen exactly as its pre-rendered pages show it, in ${lang}`, async () => {
    for (const state of [undefined, ...Object.keys(SIGN_IN_STATES)]) {
      const expected = await readFile(preRenderedScreenFile(lang, state), 'utf8');
      assert.equal(
        await drawnSignInScreen(browser, lang, state),
        expected,
        `the app has changed how it draws sign-in (${state ?? 'first page'}): `
          + 'run `cargo xtask prerender` and commit prerendered/',
      );
    }
  });
}

test('without its app, a wrong pair comes back saying why, in the reader\'s language', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/signin`);
  await page.getByLabel('邮箱或手机号').fill(DEMO.email);
  await page.getByLabel('密码', { exact: true }).fill('not-the-password');
  await page.getByLabel('密码', { exact: true }).press('Enter');
  await page.waitForURL(/error=invalid/);
  assert.equal(await page.title(), '错误：登录 – Farewell');
  const problem = page.locator('.error-summary');
  assert.ok(await problem.isVisible(), 'the summary of what went wrong shows');
  assert.equal(await problem.getByRole('link').textContent(), '邮箱、手机号或密码不正确。');
  assert.equal(await page.locator('#login-error').isVisible(), true, 'and beside the field');
  assert.equal(await page.inputValue('#login'), DEMO.email, 'the login typed is back');
  assert.equal(await page.inputValue('#password'), '', 'the password is not');
  // An empty field says so too.
  await page.getByLabel('密码', { exact: true }).press('Enter');
  await page.waitForURL(/error=missing/);
  assert.equal(await problem.getByRole('link').textContent(), '请输入邮箱或手机号以及密码后登录。');
  await context.close();
});

test('without its app, a throttled page says how many minutes to wait', async () => {
  const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/signin?error=throttled&retry_after=150`);
  const said = 'Too many attempts. Try again in 3 minutes.';
  assert.equal(await page.locator('.error-summary').getByRole('link').textContent(), said);
  assert.equal(await page.locator('#login-error').textContent(), said);
  await page.goto(`${BASE_URL}/signin?error=throttled&retry_after=45`);
  assert.equal(
    await page.locator('#login-error').textContent(),
    'Too many attempts. Try again in 1 minute.',
  );
  await context.close();
});

test('without its app, the page after signing out says so', async () => {
  const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/signin?signed_out=1`);
  await page.getByRole('status').filter({ hasText: 'You have signed out.' }).waitFor();
  await context.close();
});

test('without its app the page shows the form in the browser\'s language, and it signs in', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/signin?next=${encodeURIComponent('/account/devices')}`);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.title(), '登录 – Farewell');
  await heading(page, '登录');
  await page.getByLabel('邮箱或手机号').fill(DEMO.email);
  await page.getByLabel('密码', { exact: true }).fill(DEMO.password);
  // Enter in a field presses the form's button (which says `aria-disabled` until the app,
  // once started, sees both fields filled).
  const [posted] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST'),
    page.getByLabel('密码', { exact: true }).press('Enter'),
  ]);
  assert.equal(new URL(posted.url()).pathname, '/signin');
  assert.ok(!posted.url().includes(encodeURIComponent(DEMO.password)), 'no password in an address');
  await page.waitForURL('**/account/devices');
  assert.equal((await page.request.get(`${BASE_URL}/api/v1/me`)).status(), 200, 'signed in');
  await context.close();
});

test('a language chosen in the app is the language of the page the server sends next time', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE_URL}/signin`);
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  await page.getByRole('button', { name: '简体中文' }).click();
  await heading(page, '登录');
  const served = await page.request.get(`${BASE_URL}/signin`);
  assert.match(await served.text(), /<html lang="zh-CN">[\s\S]*<h1 tabindex="-1">登录<\/h1>/);
  await page.context().close();
});

test('what is typed before the app starts stays, with the caret where it was', async () => {
  const page = await openPage(browser);
  const release = await holdTheApp(page);
  await page.goto(`${BASE_URL}/signin`);
  await page.getByLabel('Email or phone number').fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO.password.slice(0, 4));
  await page.evaluate(() => { window.preRendered = document.querySelector('#password'); });
  release();
  await page.waitForFunction(() => document.querySelector('#password') !== window.preRendered);
  assert.equal(await page.inputValue('#login'), DEMO.email);
  assert.equal(await page.inputValue('#password'), DEMO.password.slice(0, 4));
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'password', 'focus stays');
  // Typing goes on where it stopped, into the app's form, which signs in itself.
  await page.keyboard.type(DEMO.password.slice(4));
  await page.keyboard.press('Enter');
  await heading(page, 'Personal info');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a wrong pair pressed before the app starts is explained once it has', async () => {
  const page = await openPage(browser);
  const release = await holdTheApp(page);
  await page.goto(`${BASE_URL}/signin?next=${encodeURIComponent('/account/data')}`);
  await page.getByLabel('Email or phone number').fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await page.waitForURL(/error=invalid/);
  release();
  const summary = page.locator('.error-summary');
  await summary.getByText('The email, phone number or password is incorrect.').waitFor();
  await page.waitForFunction(() => document.activeElement?.className === 'error-summary');
  assert.match(await page.title(), /^Error: /);
  // Said once: the address keeps where the person was heading, not the failure.
  const url = new URL(page.url());
  assert.equal(url.search, `?next=${encodeURIComponent('/account/data')}`);
  // The login typed is back (the server kept it for this page, not in its address).
  assert.equal(await page.inputValue('#login'), DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading(page, 'Privacy & data');
  await page.context().close();
});

test('the sign-in page does not move when its app takes over, on a phone or a desktop', async () => {
  const sizes = [360, 1280].flatMap((width) => ['', '?error=invalid', '?signed_out=1']
    .map((query) => ({ width, query })));
  for (const { width, query } of sizes) {
    const page = await openPage(browser, { viewport: { width, height: 740 } });
    await page.addInitScript(() => {
      window.layoutShifts = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.layoutShifts.push(entry.value);
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(`${BASE_URL}/signin${query}`);
    await page.waitForFunction(() => document.activeElement?.matches('h1, .error-summary'));
    await page.waitForLoadState('networkidle');
    const shifts = await page.evaluate(() => new Promise((resolve) => {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(window.layoutShifts)));
    }));
    assert.deepEqual(shifts, [], `layout shifts at ${width}px on /signin${query}`);
    await page.context().close();
  }
});
