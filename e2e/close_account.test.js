// Close account, steps 1–3: inventory, Sign out instead, the live checklist and its gates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO, launch, openPage, heading, signIn, checkEverywhere, axeChecks, expectNoAxeViolations,
  tabTo, lastCodeTo,
} from './helpers.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => {
  await browser?.close();
  console.log(`axe: ${axeChecks.count} step × scheme × width combinations in English, 0 violations`);
});

const OWES = { email: 'owes@example.com', password: DEMO.password };

function task(page, name) {
  return page.locator('li.task').filter({ has: page.getByRole('heading', { name, exact: true }) });
}

async function expectTask(page, name, status) {
  await task(page, name).locator('.tag').filter({ hasText: status }).waitFor();
}

test('as demo, a person fixes every blocker, verifies with a code and closes the account', async () => {
  const page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  await signIn(page);
  await heading(page, 'Personal info');
  await page.locator('main').getByRole('link', { name: 'Close account' }).click();

  await heading(page, 'Before you go');
  await page.getByText('240 photos').waitFor();
  await page.getByText('PhotoPrint Studio, RideShare Go').waitFor();
  await page.getByText('Your phone keeps working after you close your account.').waitFor();
  await page.getByRole('table').getByText('Sign in any time').waitFor();
  await checkEverywhere(page);
  // What the checklist shows beside its items comes with the request that opens it: the
  // step appears whole, not drawn and then filled in.
  await page.evaluate(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('h1')?.textContent !== 'Checklist') return;
      window.checklistFirstDrawn = {
        devices: document.querySelectorAll('.device-list .device').length,
        loading: document.querySelectorAll('main [aria-busy=true], main .skeleton-line').length,
      };
      observer.disconnect();
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Continue to the checklist' }).click();

  await heading(page, 'Checklist');
  const firstDrawn = await page.evaluate(() => window.checklistFirstDrawn);
  assert.ok(firstDrawn.devices > 0 && firstDrawn.loading === 0, JSON.stringify(firstDrawn));
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  await page.getByText('2 of 7 done').waitFor();
  const proceed = page.locator('#checklist-continue');
  assert.equal(await proceed.getAttribute('aria-disabled'), 'true');
  await page.getByText('5 still need action').waitFor();
  await checkEverywhere(page);

  // Leaving and coming back resumes at the checklist.
  await page.goto(`${BASE_URL}/account`);
  await heading(page, 'Personal info');
  await page.goto(`${BASE_URL}/account/close`);
  await heading(page, 'Checklist');

  // Find My Device: a wrong password changes nothing and says so.
  const fmd = task(page, 'Turn off Find My Device');
  await fmd.getByLabel("Password to turn off Find My Device on Mei's phone").fill('wrong password');
  await fmd.getByRole('button', { name: 'Turn off Find My Device' }).click();
  await fmd.getByText('The password is incorrect. Find My Device is still on.').waitFor();
  await expectTask(page, 'Turn off Find My Device', 'Action needed');
  await fmd.getByLabel("Password to turn off Find My Device on Mei's phone").fill(DEMO.password);
  await fmd.getByRole('button', { name: 'Turn off Find My Device' }).click();
  await expectTask(page, 'Turn off Find My Device', 'Done');
  await page.getByText('3 of 7 done').waitFor();

  const devices = task(page, 'Sign out of every device');
  for (const name of ["Mei's phone", 'Living-room tablet', 'Running watch']) {
    await devices.getByRole('button', { name: `Sign out of ${name}` }).click();
    await devices.getByRole('button', { name: `Sign out of ${name}` }).waitFor({ state: 'detached' });
  }
  await expectTask(page, 'Sign out of every device', 'Done');

  await page.getByLabel('I understand my wallet balance of $12.50 will be lost').check();
  await expectTask(page, 'Wallet balance', 'Done');
  await page.getByLabel('I understand my purchase records will be erased').check();
  await expectTask(page, 'Proof of purchase', 'Done');
  assert.equal(await proceed.getAttribute('aria-disabled'), 'true');
  await page.getByLabel("I don't need a copy of my data").check();
  await page.getByText('7 of 7 done').waitFor();
  await page.waitForFunction(() => document.querySelector('#checklist-continue')?.getAttribute('aria-disabled') === 'false');
  await checkEverywhere(page);
  await proceed.click();

  await heading(page, 'What closing means');
  await page.getByText('Step 3 of 6').waitFor();
  await checkEverywhere(page);

  // From here on, keyboard only.
  await tabTo(page, '#terms-accepted');
  await page.keyboard.press('Space');
  await tabTo(page, 'button[type=submit]');
  await page.keyboard.press('Enter');

  await heading(page, "Verify it's you");
  await checkEverywhere(page);
  await tabTo(page, '#reauth-password');
  await page.keyboard.type(DEMO.password);
  await page.keyboard.press('Enter');
  await page.getByText('Password confirmed.').waitFor();
  await tabTo(page, '#channel-email');
  await page.keyboard.press('Space');
  await tabTo(page, '#send-code');
  await page.keyboard.press('Enter');
  await page.getByText('We sent a 6-digit code to d***@example.com').waitFor();
  const code = page.locator('#code');
  assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
  assert.equal(await code.getAttribute('inputmode'), 'numeric');
  await page.getByText(/You can ask for a new code in \d+ seconds/).waitFor();
  await checkEverywhere(page);

  const real = await lastCodeTo(DEMO.email);
  await tabTo(page, '#code');
  await page.keyboard.type(real === '000000' ? '111111' : '000000');
  await page.keyboard.press('Enter');
  const summary = page.locator('.error-summary');
  await summary.getByText('The code is incorrect. You have 4 tries left.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'error-summary');
  assert.match(await page.title(), /^Error: /);
  await tabTo(page, '.error-summary a');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'code');
  await page.keyboard.type(real);
  await page.keyboard.press('Enter');

  await heading(page, 'Check and confirm');
  await page.getByText('No copy needed').waitFor();
  await page.getByText('I accept losing $12.50').waitFor();
  await checkEverywhere(page);
  const danger = page.getByRole('button', { name: 'Close account permanently' });
  assert.notEqual(await page.evaluate(() => document.activeElement?.textContent), 'Close account permanently');
  await tabTo(page, '#confirmation');
  await page.keyboard.type('demo@example.org');
  await page.keyboard.press('Enter');
  await summary.getByText('That does not match your account ID or email address').waitFor();
  await tabTo(page, '#confirmation');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('1876543210');
  await tabTo(page, 'button.danger');
  await page.keyboard.press('Enter');
  await danger.waitFor({ state: 'detached' });

  await heading(page, 'Request received');
  assert.equal(new URL(page.url()).pathname, '/account/close/done');
  const reference = await page.locator('.reference').textContent();
  assert.match(reference, /^DEL-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await page.getByText('You have been signed out everywhere.').waitFor();
  await page.getByText('We sent a confirmation to d***@example.com').waitFor();
  await checkEverywhere(page);
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  assert.equal(me, 401);
  assert.deepEqual(page.problems, []);
});

test('as owes, the unpaid instalment keeps Continue disabled with the reason shown', async () => {
  const page = await openPage(browser, { viewport: { width: 320, height: 800 } });
  await signIn(page, OWES.email, OWES.password);
  await heading(page, 'Personal info');
  await page.goto(`${BASE_URL}/account/close`);
  await heading(page, 'Before you go');
  await page.getByRole('button', { name: 'Continue to the checklist' }).click();
  await heading(page, 'Checklist');
  await task(page, 'Nothing left to pay').getByText('You still owe $83.25 on an instalment plan').waitFor();
  await expectTask(page, 'No orders on the way', 'Action needed');
  await page.getByLabel('I understand my purchase records will be erased').check();
  await page.getByLabel("I don't need a copy of my data").check();
  await task(page, 'Sign out of every device').getByRole('button', { name: "Sign out of Sam's phone" }).click();
  await page.getByText('5 of 7 done').waitFor();
  const proceed = page.locator('#checklist-continue');
  assert.equal(await proceed.getAttribute('aria-disabled'), 'true');
  await page.getByText('2 still need action').waitFor();
  await proceed.dispatchEvent('click');
  await heading(page, 'Checklist');
  await expectNoAxeViolations(page);

  // The server refuses the next step too: the UI is not the only guard.
  const status = await page.evaluate(async () => (await fetch('/api/v1/deletion/terms', {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'farewell' },
    body: JSON.stringify({ accepted: true }),
  })).status);
  assert.equal(status, 409);
});

test('"Sign out instead" signs out and keeps the account', async () => {
  const page = await openPage(browser);
  await signIn(page, OWES.email, OWES.password);
  await heading(page, 'Personal info');
  await page.goto(`${BASE_URL}/account/close`);
  await page.getByRole('heading', { name: /^(Before you go|Checklist)$/ }).waitFor();
  const back = page.getByRole('button', { name: 'Back', exact: true });
  if (await back.count()) await back.click();
  await heading(page, 'Before you go');
  await page.getByRole('button', { name: 'Sign out of this browser' }).click();
  await heading(page, 'Sign in');
  await page.getByText('You have signed out').waitFor();
  await signIn(page, OWES.email, OWES.password);
  await heading(page, 'Personal info');
  await page.locator('.summary-list').getByText('Sam Rivera').waitFor();
});

test('the devices page lists devices and signs one out', async () => {
  const page = await openPage(browser);
  await signIn(page, OWES.email, OWES.password);
  await heading(page, 'Personal info');
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Devices' }).click();
  await heading(page, 'Devices');
  await page.getByText("Sam's phone").waitFor();
  await page.getByText('Signed out', { exact: true }).waitFor();
  await expectNoAxeViolations(page);
});
