// Sign in → Personal info, in a real browser against the real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO, launch, openPage, openSignIn, heading, signIn, expectNoAxeViolations,
} from './helpers.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a person signs in with the demo email and sees their name and masked email', async () => {
  const page = await openPage(browser);
  await signIn(page);
  await heading(page, 'Personal info');
  assert.equal(new URL(page.url()).pathname, '/account');
  const details = page.locator('.summary-list');
  await details.getByText('Mei Lin').waitFor();
  await details.getByText('d***@example.com').waitFor();
  assert.ok(!(await page.content()).includes(DEMO.email), 'the full email never reaches the page');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  assert.deepEqual(page.problems, []);
});

test('an account page opened afresh does not move while it loads, on a phone or a desktop', async () => {
  for (const width of [360, 1280]) {
    const page = await openPage(browser, { viewport: { width, height: 740 } });
    await signIn(page);
    await heading(page, 'Personal info');
    // Every layout shift from the first frame of the reload on, as Lighthouse counts them.
    await page.addInitScript(() => {
      window.layoutShifts = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          if (!entry.hadRecentInput) window.layoutShifts.push(entry.value);
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.reload();
    await page.locator('.summary-list').getByText('Mei Lin').waitFor();
    const shifts = await page.evaluate(() => new Promise((resolve) => {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(window.layoutShifts)));
    }));
    assert.deepEqual(shifts, [], `layout shifts at ${width}px`);
    await page.context().close();
  }
});

test('a first visit to sign-in logs no error, not even a refused request', async () => {
  const page = await openPage(browser);
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  const probe = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/session');
  await openSignIn(page);
  assert.equal((await probe).status(), 200, 'the app asks who is signed in and is answered');
  await page.waitForLoadState('networkidle');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('who is signed in is asked once: by an account page\'s head while the app downloads, by the sign-in app itself', async () => {
  const page = await openPage(browser);
  const sessionChecks = () => page.evaluate(() => performance.getEntriesByType('resource')
    .filter((entry) => new URL(entry.name).pathname === '/api/v1/session')
    .map((entry) => entry.initiatorType));
  // The sign-in form shows without the answer; a preload would only queue ahead of its files.
  await openSignIn(page);
  await page.waitForLoadState('networkidle');
  assert.deepEqual(await sessionChecks(), ['fetch']);
  await signIn(page);
  await heading(page, 'Personal info');
  // Opened afresh, an account page's head asks ('link'), and the app takes that answer
  // rather than asking again (which would add a 'fetch').
  await page.goto(`${BASE_URL}/account/devices`);
  await heading(page, 'Devices');
  await page.waitForLoadState('networkidle');
  assert.deepEqual(await sessionChecks(), ['link']);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a first visit to sign-in loads only the sign-in app, and signing in opens the whole app', async () => {
  const page = await openPage(browser);
  const wasm = [];
  page.on('response', (r) => {
    const name = new URL(r.url()).pathname;
    if (name.endsWith('.wasm')) wasm.push(name.replace(/-[0-9a-f]+_bg\.wasm$/, ''));
  });
  await openSignIn(page);
  assert.deepEqual(wasm, ['/signin'], 'only the sign-in page\'s own app');
  // A language chosen before signing in carries over.
  await page.getByRole('button', { name: '简体中文' }).click();
  await heading(page, '登录');
  await page.getByLabel('邮箱或手机号').fill(DEMO.email);
  await page.getByLabel('密码', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: '登录' }).click();
  await heading(page, '个人信息');
  assert.deepEqual(wasm, ['/signin', '/farewell']);
  assert.equal(new URL(page.url()).pathname, '/account');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  // The whole app frames the session (the sign-in app leaves those parts out of its download):
  // the account navigation, and the timeout warning, waiting hidden until it is due.
  await page.getByRole('navigation', { name: '账号', exact: true }).waitFor();
  const warning = page.getByRole('alertdialog', { includeHidden: true });
  assert.equal(await warning.count(), 1, 'the timeout warning is in the frame');
  assert.equal(await warning.isHidden(), true, 'and hidden while the session has time');
  // Back returns to sign-in, which, signed in, goes on to the account again.
  await page.goBack();
  await heading(page, '个人信息');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('signing in with the phone number works too', async () => {
  const page = await openPage(browser);
  await signIn(page, DEMO.phone);
  await heading(page, 'Personal info');
  await page.locator('.summary-list').getByText('+1*****00').waitFor();
});

test('a wrong password shows the one generic error in the error summary', async () => {
  const page = await openPage(browser);
  await signIn(page, DEMO.email, 'not-the-password');
  const summary = page.locator('.error-summary');
  await summary.getByText('The email, phone number or password is incorrect.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'error-summary');
  assert.match(await page.title(), /^Error: /);
  // Unknown accounts read exactly the same.
  await page.getByLabel('Email or phone number').fill('nobody@example.com');
  await page.getByLabel('Password', { exact: true }).fill('whatever');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await summary.getByText('The email, phone number or password is incorrect.').waitFor();
  assert.equal(new URL(page.url()).pathname, '/signin');
});

test('the account page sends a signed-out visitor to sign in and back', async () => {
  const page = await openPage(browser);
  await page.goto(`${BASE_URL}/account/devices`);
  await heading(page, 'Sign in');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/account/devices');
  await page.getByLabel('Email or phone number').fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading(page, 'Devices');
});

test('switching to 简体中文 translates the page, sets <html lang> and is remembered', async () => {
  const page = await openPage(browser);
  await signIn(page);
  await heading(page, 'Personal info');
  await page.getByRole('button', { name: '简体中文' }).click();
  await heading(page, '个人信息');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.getByText('注销账号').first().waitFor();
  await page.reload();
  await heading(page, '个人信息');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.getByRole('button', { name: 'English' }).click();
  await heading(page, 'Personal info');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
});

test('signing out ends the session and says the account stays', async () => {
  const page = await openPage(browser);
  await signIn(page);
  await heading(page, 'Personal info');
  // The idle-timeout warning waits, hidden, while there is a session to time out.
  assert.equal(await page.locator('.dialog-backdrop[hidden]').count(), 1);
  await page.getByRole('link', { name: 'Sign out' }).first().click();
  await heading(page, 'Sign out');
  await page.getByRole('button', { name: 'Sign out of this browser' }).click();
  await heading(page, 'Sign in');
  await page.getByText('You have signed out').waitFor();
  assert.equal(await page.locator('.dialog-backdrop').count(), 0, 'no session, no timeout warning');
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  assert.equal(me, 401);
});

test('axe-core finds no violations on sign-in and Personal info, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await openPage(browser, { colorScheme });
    await openSignIn(page);
    await expectNoAxeViolations(page);
    await signIn(page);
    await heading(page, 'Personal info');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: '简体中文' }).click();
    await heading(page, '个人信息');
    await expectNoAxeViolations(page);
  }
});

test('at 320 px wide nothing scrolls sideways', async () => {
  const page = await openPage(browser, { viewport: { width: 320, height: 640 } });
  await signIn(page);
  await heading(page, 'Personal info');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the viewport`);
});

test('while offline a banner says so and sign-in says why it cannot submit', async () => {
  const page = await openPage(browser);
  await openSignIn(page);
  await page.context().setOffline(true);
  await page.getByText('No connection.').waitFor();
  await page.getByText('You are offline. Reconnect to continue.').waitFor();
  await page.context().setOffline(false);
  await page.getByText('No connection.').waitFor({ state: 'hidden' });
});

test('robots.txt is plain text that keeps the account pages out of search engines', async () => {
  const response = await fetch(`${BASE_URL}/robots.txt`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/plain/);
  const rules = await response.text();
  assert.match(rules, /^Allow: \/signin$/m);
  assert.match(rules, /^Disallow: \/$/m);
});
