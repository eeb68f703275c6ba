// The whole journey by keyboard alone, in Simplified Chinese and the dark scheme: from the
// sign-in form to the done page with Tab, Shift+Tab, Enter and Space. At every stop the focus
// is visible; on every route or step change the focus lands on the new <h1>; after a failed
// submit the error summary takes focus and its links lead to the fields. Every step also
// passes axe in both schemes at 320, 768 and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO, launch, openPage, checkEverywhere, axeChecks, tabTo, lastCodeTo,
} from './helpers.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => {
  await browser?.close();
  console.log(`axe: ${axeChecks.count} screen × scheme × width combinations in zh-CN, 0 violations`);
});

/// Waits until focus is on an <h1> other than `previous`, and returns its text.
async function focusedHeading(page, previous = null) {
  await page.waitForFunction((before) => {
    const active = document.activeElement;
    return active?.tagName === 'H1' && active.textContent !== before
      && !document.querySelector('[aria-busy=true]');
  }, previous);
  return page.evaluate(() => document.activeElement.textContent);
}

/// The wizard marks exactly one step as the current one; its number, counting from 1.
async function currentStep(page) {
  assert.equal(await page.locator('[aria-current=step]').count(), 1);
  return page.evaluate(() => {
    const item = document.querySelector('[aria-current=step]').closest('li');
    return [...item.parentElement.children].indexOf(item) + 1;
  });
}

test('the whole journey, sign-in to done, by keyboard alone in 简体中文', async () => {
  const page = await openPage(browser, { colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
  await page.goto(`${BASE_URL}/signin`);
  let title = await focusedHeading(page);

  // The language switch names each language in itself, so it needs no translation to find.
  await tabTo(page, '.language-switch button[lang=zh-CN]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  title = await page.locator('h1').textContent();
  assert.equal(title, '登录');
  await checkEverywhere(page);

  // A submit with the password missing: the error summary takes focus, its link leads back.
  await tabTo(page, '#login');
  await page.keyboard.type(DEMO.email);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
  assert.match(await page.title(), /^错误/);
  await checkEverywhere(page, { widths: [320] });
  await tabTo(page, '.error-summary a[href="#password"]');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
  await page.keyboard.type(DEMO.password);
  await page.keyboard.press('Enter');
  title = await focusedHeading(page, title);
  assert.equal(new URL(page.url()).pathname, '/account');
  await checkEverywhere(page);

  // Close account is on Personal info itself, not buried.
  await tabTo(page, 'main a[href="/account/close"]');
  await page.keyboard.press('Enter');
  title = await focusedHeading(page, title);
  assert.equal(await currentStep(page), 1);
  await page.locator('.compare').waitFor();
  await checkEverywhere(page);
  await tabTo(page, '.step-actions button');
  await page.keyboard.press('Enter');

  // The checklist: every fix inline, by keyboard.
  title = await focusedHeading(page, title);
  assert.equal(await currentStep(page), 2);
  const proceed = page.locator('#checklist-continue');
  assert.equal(await proceed.getAttribute('aria-disabled'), 'true');
  assert.notEqual((await page.locator('#checklist-continue-reason').textContent()).trim(), '');
  await checkEverywhere(page);

  await tabTo(page, 'li.task form.inline-form input[type=password]');
  await page.keyboard.type(DEMO.password);
  await page.keyboard.press('Enter');
  await page.locator('li.task form.inline-form').waitFor({ state: 'detached' });
  const signOuts = page.locator('li.task li.device button');
  for (let left = 3; left > 0; left -= 1) {
    await page.waitForFunction((n) => document.querySelectorAll('li.task li.device button').length === n, left);
    await tabTo(page, 'li.task li.device button');
    await page.keyboard.press('Enter');
  }
  await page.waitForFunction(() => document.querySelectorAll('li.task li.device button').length === 0);
  assert.equal(await signOuts.count(), 0);
  for (const tick of ['#ack-balance-forfeit', '#ack-purchases-erased', '#ack-no-backup']) {
    await tabTo(page, tick);
    await page.keyboard.press('Space');
    await page.waitForFunction((sel) => document.querySelector(sel)?.checked, tick);
  }
  await page.waitForFunction(() => document.querySelector('#checklist-continue')?.getAttribute('aria-disabled') === 'false');
  await checkEverywhere(page);
  // Shift+Tab works too: from the button back to the last tick and forward again.
  await tabTo(page, '#checklist-continue');
  await tabTo(page, '#ack-no-backup', { back: true });
  await tabTo(page, '#checklist-continue');
  await page.keyboard.press('Enter');

  title = await focusedHeading(page, title);
  assert.equal(await currentStep(page), 3);
  await checkEverywhere(page);
  await tabTo(page, '#terms-accepted');
  await page.keyboard.press('Space');
  await tabTo(page, 'button[type=submit]');
  await page.keyboard.press('Enter');

  title = await focusedHeading(page, title);
  assert.equal(await currentStep(page), 4);
  await checkEverywhere(page);
  await tabTo(page, '#reauth-password');
  await page.keyboard.type(DEMO.password);
  await page.keyboard.press('Enter');
  await page.locator('#channel-email').waitFor();
  await tabTo(page, '#channel-email');
  await page.keyboard.press('Space');
  await tabTo(page, '#send-code');
  await page.keyboard.press('Enter');
  await page.locator('#resend-wait').waitFor();
  await checkEverywhere(page);
  await tabTo(page, '#code');
  await page.keyboard.type(await lastCodeTo(DEMO.email));
  await page.keyboard.press('Enter');

  title = await focusedHeading(page, title);
  assert.equal(await currentStep(page), 5);
  await checkEverywhere(page);
  await tabTo(page, '#confirmation');
  await page.keyboard.type('1876543210');
  await tabTo(page, 'button.danger');
  await page.keyboard.press('Enter');

  await focusedHeading(page, title);
  assert.equal(new URL(page.url()).pathname, '/account/close/done');
  assert.match(await page.locator('.reference').textContent(), /^DEL-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await checkEverywhere(page);
  assert.deepEqual(page.problems, []);
});
