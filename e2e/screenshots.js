// `cargo xtask screenshots`: a PNG of every screen and wizard step, in English and Simplified
// Chinese, light and dark, at 320 and 1280 px, into OUT_DIR (target/screenshots/).
import { mkdir } from 'node:fs/promises';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO, chooseLanguage, launch, api, lastCodeTo, signInByApi,
} from './helpers.js';

const OUT_DIR = process.env.OUT_DIR ?? 'screenshots';
const LANGS = ['en', 'zh-CN'];
const SCHEMES = ['light', 'dark'];
const WIDTHS = [320, 1280];

/// Screens in the order the journey reaches them; `before` moves the demo account forward.
const SCREENS = [
  { name: 'signin', path: '/signin', signedIn: false },
  { name: 'personal-info', path: '/account' },
  { name: 'devices', path: '/account/devices' },
  { name: 'data', path: '/account/data' },
  { name: 'sign-out', path: '/signout' },
  { name: 'close-1-before-you-go', path: '/account/close' },
  { name: 'close-2-checklist', path: '/account/close', before: (page) => api(page, 'POST', '/deletion') },
  { name: 'close-3-terms', path: '/account/close', before: fixChecklist },
  { name: 'close-4-verify', path: '/account/close', before: (page) => api(page, 'PUT', '/deletion/terms', { accepted: true }) },
  { name: 'close-5-confirm', path: '/account/close', before: verify },
  { name: 'pending', path: '/account/pending', before: confirm },
  { name: 'cancel-link', path: '/cancel/not-a-real-token', signedIn: false },
  { name: 'not-found', path: '/no-such-page', signedIn: false },
];

async function fixChecklist(page) {
  await api(page, 'POST', '/devices/dev-7f3a9c21/find-my-device/off', { password: DEMO.password });
  for (const id of ['dev-7f3a9c21', 'dev-2b8e4d10', 'dev-c5d61e77']) {
    await api(page, 'POST', `/devices/${id}/sign-out`);
  }
  const ticks = { balance_forfeit: true, purchases_erased: true, no_backup: true };
  assert.equal(await api(page, 'PUT', '/deletion/acknowledgements', ticks), 200);
}

async function verify(page) {
  assert.equal(await api(page, 'POST', '/deletion/reauth', { password: DEMO.password }), 200);
  assert.equal(await api(page, 'POST', '/deletion/code', { channel: 'email' }), 200);
  const code = await lastCodeTo(DEMO.email);
  assert.equal(await api(page, 'POST', '/deletion/code/verify', { code }), 200);
}

async function confirm(page) {
  assert.equal(await api(page, 'POST', '/deletion/confirm', { confirmation: DEMO.email }), 202);
  await signInByApi(page);
}

const browser = await launch();
await mkdir(OUT_DIR, { recursive: true });
const context = await browser.newContext({ locale: 'en-US' });
const page = await context.newPage();
await page.goto(`${BASE_URL}/signin`);
await signInByApi(page);
let count = 0;
for (const screen of SCREENS) {
  if (screen.before) await screen.before(page);
  for (const lang of LANGS) {
    await chooseLanguage(context, lang);
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        const shot = screen.signedIn === false ? await anonymousPage(lang, colorScheme, width) : page;
        await shot.goto(`${BASE_URL}${screen.path}`);
        await shot.waitForFunction(() => document.activeElement?.tagName === 'H1'
          && !document.querySelector('[aria-busy=true]'));
        await shot.screenshot({ path: `${OUT_DIR}/${screen.name}-${lang}-${colorScheme}-${width}.png`, fullPage: true });
        if (shot !== page) await shot.context().close();
        count += 1;
      }
    }
  }
}
await browser.close();
console.log(`${count} screenshots in ${OUT_DIR}`);

async function anonymousPage(lang, colorScheme, width) {
  const anonymous = await browser.newContext({ locale: 'en-US', colorScheme, viewport: { width, height: 900 } });
  await chooseLanguage(anonymous, lang);
  return anonymous.newPage();
}
