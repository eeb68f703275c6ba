// Download your data from the close-account checklist: request, watch it build, download, and
// the backup item is done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BASE_URL, launch, openPage, heading, signIn, expectNoAxeViolations } from './helpers.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a person downloads their data from the checklist and the backup item turns done', async () => {
  const page = await openPage(browser, { acceptDownloads: true });
  await signIn(page);
  await heading(page, 'Personal info');
  await page.goto(`${BASE_URL}/account/close`);
  await heading(page, 'Before you go');
  await page.getByRole('button', { name: 'Continue to the checklist' }).click();
  await heading(page, 'Checklist');

  const backup = page.locator('li.task').filter({ has: page.getByRole('heading', { name: 'Keep a copy of your data' }) });
  await backup.getByRole('button', { name: 'Prepare my archive' }).click();
  // A real progress bar, then the download link.
  const link = backup.getByRole('link', { name: /^Download archive \(/ });
  await Promise.race([
    backup.locator('progress').waitFor(),
    link.waitFor(),
  ]);
  await link.waitFor({ timeout: 60_000 });
  await expectNoAxeViolations(page);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const bytes = await readFile(await download.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a zip archive');
  assert.match(download.suggestedFilename(), /^farewell-data-\d{4}-\d{2}-\d{2}\.zip$/);

  await backup.locator('.tag').filter({ hasText: 'Done' }).waitFor();
  await page.getByText('You downloaded this archive.').waitFor();
  assert.deepEqual(page.problems, []);
});

test('Privacy & data lists what the account holds and offers the archive', async () => {
  const page = await openPage(browser);
  await signIn(page);
  await heading(page, 'Personal info');
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Privacy & data' }).click();
  await heading(page, 'Privacy & data');
  await page.getByText('240 photos').waitFor();
  // The archive from the checklist is still there to download, for 7 days.
  await page.getByRole('link', { name: /^Download archive \(/ }).waitFor();
  await page.getByText('You downloaded this archive.').waitFor();
  await expectNoAxeViolations(page);
});
