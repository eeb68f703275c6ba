// `cargo xtask bench`: how long each step of the close-account wizard takes from the API's
// answer to the next step painted, as the app itself measures it (`farewell:transition`
// User Timing measures, src/timing.rs). Walks demo through the whole wizard ROUNDS times,
// cancelling the request through the API after each walk. Prints one JSON object on stdout:
// each walk's transitions, in the order of STEPS.
import { launch, openPage, heading, signIn, signInByApi, api, lastCodeTo, DEMO, BASE_URL } from './helpers.js';

const ROUNDS = Number(process.env.ROUNDS ?? 10);
// The transitions of one walk, in the order they happen.
const STEPS = [
  'Before you go → Checklist',
  'Checklist → What closing means',
  'What closing means → Verify',
  'Verify → Check and confirm',
  'Check and confirm → Request received',
];

/// Does `act`, which leads to the step headed `name`, and waits for the app's measure of
/// that transition without touching the page meanwhile. A locator waiting for the heading
/// runs its query in the page again and again, sent from outside (DevTools), and a run
/// landing between the answer and the paint was measured as the app's: 5 ms of a 28 ms
/// transition in a trace. No person's browser does that. The heading is checked once the
/// measure is in; a measure that never comes fails the walk after 30 s, as a locator would.
async function stepTo(page, name, act) {
  const measured = page.evaluate((name) => new Promise((resolve, reject) => {
    const late = setTimeout(
      () => reject(new Error(`no transition measured on the way to "${name}"`)), 30_000);
    new PerformanceObserver((entries, observer) => {
      if (entries.getEntriesByName('farewell:transition').length) {
        observer.disconnect();
        clearTimeout(late);
        resolve();
      }
    }).observe({ type: 'measure' });
  }), name);
  await act();
  await measured;
  const shown = await page.locator('h1').textContent();
  if (shown !== name) throw new Error(`expected the step "${name}", saw "${shown}"`);
}

async function walk(browser) {
  const page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  await signIn(page);
  await heading(page, 'Personal info');
  await page.goto(`${BASE_URL}/account/close`);
  await heading(page, 'Before you go');
  const since = await page.evaluate(() => performance.now());
  await stepTo(page, 'Checklist',
    () => page.getByRole('button', { name: 'Continue to the checklist' }).click());

  const fmd = page.getByLabel(/^Password to turn off Find My Device/);
  if (await fmd.count()) {
    await fmd.fill(DEMO.password);
    await page.getByRole('button', { name: 'Turn off Find My Device' }).click();
    await fmd.waitFor({ state: 'detached' });
  }
  const signOuts = page.getByRole('button', { name: /^Sign out of / });
  while (await signOuts.count()) {
    const name = await signOuts.first().textContent();
    await signOuts.first().click();
    await page.getByRole('button', { name, exact: true }).waitFor({ state: 'detached' });
  }
  for (const tick of await page.locator('main input[type=checkbox]').all()) await tick.check();
  await page.waitForFunction(() => document.querySelector('#checklist-continue')?.getAttribute('aria-disabled') === 'false');
  await stepTo(page, 'What closing means', () => page.locator('#checklist-continue').click());

  await page.locator('#terms-accepted').check();
  await stepTo(page, "Verify it's you", () => page.locator('main button[type=submit]').click());

  await page.locator('#reauth-password').fill(DEMO.password);
  await page.locator('#reauth-password').press('Enter');
  await page.getByText('Password confirmed.').waitFor();
  await page.locator('#channel-email').check();
  await page.locator('#send-code').click();
  await page.getByText(/We sent a 6-digit code/).waitFor();
  await page.locator('#code').fill(await lastCodeTo(DEMO.email));
  await stepTo(page, 'Check and confirm', () => page.locator('#code').press('Enter'));

  await page.locator('#confirmation').fill('1876543210');
  await stepTo(page, 'Request received', () => page.locator('button.danger').click());

  const durations = await page.waitForFunction(({ since, steps }) => {
    const measured = performance.getEntriesByName('farewell:transition')
      .filter((entry) => entry.startTime > since);
    return measured.length >= steps && measured.map((entry) => entry.duration);
  }, { since, steps: STEPS.length });
  const transitions = await durations.jsonValue();
  // Back to an active account for the next walk.
  await signInByApi(page);
  const cancelled = await api(page, 'DELETE', '/deletion');
  if (cancelled >= 300) throw new Error(`cancelling answered ${cancelled}`);
  await page.context().close();
  return transitions;
}

const browser = await launch();
try {
  const walks = [];
  for (let round = 0; round < ROUNDS; round += 1) walks.push(await walk(browser));
  console.log(JSON.stringify({ steps: STEPS, walks }));
} finally {
  await browser.close();
}
