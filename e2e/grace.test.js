// After the request: the pending page, cancelling there, and the one-time email link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO, launch, openPage, heading, signIn, expectNoAxeViolations, lastCodeTo, api,
} from './helpers.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/// Requests deletion of the signed-in demo account through the API, step by step.
async function requestDeletion(page) {
  assert.equal(await api(page, 'POST', '/deletion'), 200);
  await api(page, 'POST', '/devices/dev-7f3a9c21/find-my-device/off', { password: DEMO.password });
  for (const id of ['dev-7f3a9c21', 'dev-2b8e4d10', 'dev-c5d61e77']) {
    await api(page, 'POST', `/devices/${id}/sign-out`);
  }
  const ticks = { balance_forfeit: true, purchases_erased: true, no_backup: true };
  assert.equal(await api(page, 'PUT', '/deletion/acknowledgements', ticks), 200);
  assert.equal(await api(page, 'PUT', '/deletion/terms', { accepted: true }), 200);
  assert.equal(await api(page, 'POST', '/deletion/reauth', { password: DEMO.password }), 200);
  assert.equal(await api(page, 'POST', '/deletion/code', { channel: 'email' }), 200);
  const code = await lastCodeTo(DEMO.email);
  assert.equal(await api(page, 'POST', '/deletion/code/verify', { code }), 200);
  assert.equal(await api(page, 'POST', '/deletion/confirm', { confirmation: DEMO.email }), 202);
}

async function lastMessageTo(to) {
  const response = await fetch(`${BASE_URL}/api/v1/dev/outbox?to=${encodeURIComponent(to)}`);
  return (await response.json())[0];
}

test('signing in during the grace period shows the pending page, and cancelling restores the account', async () => {
  const page = await openPage(browser);
  await signIn(page);
  await heading(page, 'Personal info');
  await requestDeletion(page);

  await signIn(page);
  await heading(page, 'Your account is scheduled to close');
  assert.equal(new URL(page.url()).pathname, '/account/pending');
  await page.locator('.reference').filter({ hasText: /^DEL-/ }).waitFor();
  await page.getByText('It may take up to 15 business days to fully process.').waitFor();
  await page.getByText('we email you a reminder.').waitFor();
  await page.getByText('we email you a last reminder.').waitFor();
  await expectNoAxeViolations(page);

  // Other pages lead back here while the request stands.
  await page.goto(`${BASE_URL}/account/devices`);
  await heading(page, 'Your account is scheduled to close');

  await page.getByRole('button', { name: 'Keep my account' }).click();
  await heading(page, 'Personal info');
  await page.getByText('Your account is staying. Nothing was deleted.').waitFor();
  await page.locator('.summary-list').getByText('Mei Lin').waitFor();
  await page.goto(`${BASE_URL}/account/close`);
  await heading(page, 'Before you go');
  await page.getByText('240 photos').waitFor();
  assert.deepEqual(page.problems, []);
});

test('the one-time link in the email keeps the account without signing in, once', async () => {
  const page = await openPage(browser);
  await signIn(page);
  await heading(page, 'Personal info');
  await requestDeletion(page);
  const email = await lastMessageTo(DEMO.email);
  const link = email.body.match(/(http\S+\/cancel\/\S+)/)[1];

  const visitor = await openPage(browser);
  await visitor.goto(link);
  await heading(visitor, 'Keep your account?');
  await visitor.getByText('The account d***@example.com is scheduled to close on').waitFor();
  await expectNoAxeViolations(visitor);
  await visitor.getByRole('button', { name: 'Keep my account' }).click();
  await heading(visitor, 'Your account is staying');

  await visitor.goto(link);
  await heading(visitor, 'This link no longer works');
  await expectNoAxeViolations(visitor);

  await signIn(visitor);
  await heading(visitor, 'Personal info');
  await visitor.locator('.summary-list').getByText('Mei Lin').waitFor();
  assert.deepEqual(visitor.problems, []);
});
