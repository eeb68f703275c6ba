// `cargo xtask bench`: how long each step of the close-account wizard takes from the API's
// answer to the next step painted, as the app itself measures it (`farewell:transition`
// User Timing measures, src/timing.rs). Walks demo through the whole wizard ROUNDS times,
// cancelling the request through the API after each walk. Prints one JSON object on stdout.
import { launch, openPage, heading, signIn, signInByApi, api, lastCodeTo, DEMO, BASE_URL } from './helpers.js';

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const STEPS = 5;

async function walk(browser) {
  const page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  await page.addInitScript(() => {
    window.__el = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__el.push([e.identifier, e.renderTime, e.startTime]); }).observe({ type: 'element', buffered: true });
    new MutationObserver((ms) => { for (const m of ms) for (const n of m.addedNodes) { if (n.nodeType === 1) { const hs = n.tagName === 'H1' ? [n] : n.querySelectorAll('h1'); for (const h of hs) { h.setAttribute('elementtiming', 'h1-' + performance.now().toFixed(1)); (window.__added = window.__added || []).push(h.getAttribute('elementtiming') + ':' + h.textContent); } } } }).observe(document, { subtree: true, childList: true });
  });
  await signIn(page);
  await heading(page, 'Personal info');
  await page.goto(`${BASE_URL}/account/close`);
  await heading(page, 'Before you go');
  const since = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Continue to the checklist' }).click();

  await heading(page, 'Checklist');
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
  await page.locator('#checklist-continue').click();

  await heading(page, 'What closing means');
  await page.locator('#terms-accepted').check();
  await page.locator('main button[type=submit]').click();

  await heading(page, "Verify it's you");
  await page.locator('#reauth-password').fill(DEMO.password);
  await page.locator('#reauth-password').press('Enter');
  await page.getByText('Password confirmed.').waitFor();
  await page.locator('#channel-email').check();
  await page.locator('#send-code').click();
  await page.getByText(/We sent a 6-digit code/).waitFor();
  await page.locator('#code').fill(await lastCodeTo(DEMO.email));
  await page.locator('#code').press('Enter');

  await heading(page, 'Check and confirm');
  await page.locator('#confirmation').fill('1876543210');
  await page.locator('button.danger').click();
  await heading(page, 'Request received');

  const durations = await page.waitForFunction(({ since, steps }) => {
    const measured = performance.getEntriesByName('farewell:transition')
      .filter((entry) => entry.startTime > since);
    return measured.length >= steps && measured.map((entry) => [Math.round(entry.startTime - since), Math.round(entry.duration*10)/10]);
  }, { since, steps: STEPS });
  const transitions = await durations.jsonValue();
  const els = await page.evaluate((since) => window.__el.filter(e => e[1] > since), since);
  const ms = await page.evaluate((since) => performance.getEntriesByName('farewell:transition').filter(e => e.startTime > since).map(e => [e.startTime, e.duration]), since);
  console.error(JSON.stringify(els), JSON.stringify(ms), await page.evaluate(() => JSON.stringify(window.__added)));
  for (const [start, dur] of ms) { const el = els.find(e => e[1] > start); console.error('app', dur.toFixed(1), 'element', el ? (el[1] - start).toFixed(1) : '-'); }
  // Back to an active account for the next walk.
  await signInByApi(page);
  const cancelled = await api(page, 'DELETE', '/deletion');
  if (cancelled >= 300) throw new Error(`cancelling answered ${cancelled}`);
  await page.context().close();
  return transitions;
}

const browser = await launch();
try {
  const transitions = [];
  for (let round = 0; round < ROUNDS; round += 1) transitions.push(...await walk(browser));
  console.log(JSON.stringify({ transitions }));
} finally {
  await browser.close();
}
