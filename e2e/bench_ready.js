// `cargo xtask bench`: how long a cold visit takes from navigation start until the sign-in
// button can be pressed, for /signin and for a static HTML page with the same form served by
// the same server (the baseline), interleaved round by round; and the bytes /signin transfers.
// For /signin also when its app took over the pre-rendered form (`started`).
// With FLOOR (a path), the framework floor's page too: Leptos mounting only the baseline's form.
// Prints one JSON object on stdout.
import { launch } from './helpers.js';

const BASE_URL = process.env.BASE_URL;
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const PAGES = { ours: '/signin', baseline: '/bench-baseline.html' };
if (process.env.FLOOR) PAGES.floor = process.env.FLOOR;

/// Records when a submit button first exists and is enabled, as the page builds itself.
/// (Ours says `aria-disabled` with the reason until both fields are filled; it already
/// responds then, so only the `disabled` property counts.) Also when a page's first login
/// field is replaced by another: our app taking over its pre-rendered form.
function watchForReadyButton() {
  const ready = () => {
    const button = document.querySelector('button[type=submit]');
    return button && !button.disabled;
  };
  const check = () => {
    const now = performance.now();
    if (window.__readyAt === undefined && ready()) window.__readyAt = now;
    const login = document.querySelector('#login');
    window.__firstLogin ??= login ?? undefined;
    if (window.__startedAt === undefined && login && login !== window.__firstLogin) {
      window.__startedAt = now;
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  document.addEventListener('DOMContentLoaded', check);
}

async function visit(browser, path) {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.addInitScript(watchForReadyButton);
  await page.goto(`${BASE_URL}${path}`);
  await page.waitForFunction(() => window.__readyAt !== undefined);
  if (path === PAGES.ours) await page.waitForFunction(() => window.__startedAt !== undefined);
  const measured = await page.evaluate(() => ({
    readyMs: window.__readyAt,
    startedMs: window.__startedAt,
    bytes: [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .reduce((sum, entry) => sum + entry.encodedBodySize, 0),
  }));
  await context.close();
  return measured;
}

const browser = await launch();
const names = Object.keys(PAGES);
const result = { ...Object.fromEntries(names.map((name) => [name, []])), started: [], bytes: 0 };
// One unmeasured visit of each warms the server and the disk cache alike.
for (const name of names) await visit(browser, PAGES[name]);
for (let round = 0; round < ROUNDS; round += 1) {
  // Each page takes each place in the order in turn.
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const which of order) {
    const measured = await visit(browser, PAGES[which]);
    result[which].push(measured.readyMs);
    if (which === 'ours') {
      result.bytes = measured.bytes;
      result.started.push(measured.startedMs);
    }
  }
}
await browser.close();
console.log(JSON.stringify(result));
