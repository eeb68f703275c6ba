// Every screen, in both languages and both colour schemes, at 320, 640 (1280 at 200% zoom),
// 768 and 1280 px:
// axe-core (WCAG 2.x A/AA) finds nothing, nothing scrolls sideways, and the page has one <h1>.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, chooseLanguage, launch, openPage, expectNoAxeViolations, axeChecks, signInByApi,
} from './helpers.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => {
  await browser?.close();
  console.log(`axe: ${axeChecks.count} screen × language × scheme × width combinations, 0 violations`);
});

const SCREENS = [
  { path: '/signin', signedIn: false },
  { path: '/account', signedIn: true },
  { path: '/account/devices', signedIn: true },
  { path: '/account/data', signedIn: true },
  { path: '/account/close', signedIn: true },
  { path: '/signout', signedIn: true },
  { path: '/account/close/done', signedIn: false },
  { path: '/cancel/not-a-real-token', signedIn: false },
  { path: '/no-such-page', signedIn: false },
];

for (const lang of ['en', 'zh-CN']) {
  for (const colorScheme of ['light', 'dark']) {
    test(`every screen passes axe in ${lang}, ${colorScheme}, at 320/640/768/1280 px`, async () => {
      const page = await openPage(browser, { colorScheme, viewport: { width: 1280, height: 900 } });
      await chooseLanguage(page.context(), lang);
      await page.goto(`${BASE_URL}/signin`);
      await signInByApi(page);
      for (const screen of SCREENS) {
        if (!screen.signedIn) continue;
        await checkScreen(page, screen.path, lang);
      }
      const anonymous = await openPage(browser, { colorScheme, viewport: { width: 1280, height: 900 } });
      await chooseLanguage(anonymous.context(), lang);
      for (const screen of SCREENS) {
        if (screen.signedIn) continue;
        await checkScreen(anonymous, screen.path, lang);
      }
      assert.deepEqual([...page.problems, ...anonymous.problems], []);
    });
  }
}

async function checkScreen(page, path, lang) {
  await page.goto(`${BASE_URL}${path}`);
  // The app has rendered when its heading holds focus and no skeleton remains.
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1'
    && !document.querySelector('[aria-busy=true]'));
  assert.equal(await page.getAttribute('html', 'lang'), lang, path);
  assert.equal(new URL(page.url()).pathname, path, 'the screen itself, not a redirect');
  assert.equal(await page.locator('h1').count(), 1, `${path} has one <h1>`);
  // 640 CSS px is how a 1280 px window lays out at 200% zoom.
  for (const width of [320, 640, 768, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} scrolls ${overflow}px sideways at ${width}px`);
    await expectNoAxeViolations(page);
    axeChecks.count += 1;
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('with reduced motion asked for, nothing animates or transitions', async () => {
  const page = await openPage(browser, { reducedMotion: 'reduce', viewport: { width: 1280, height: 900 } });
  // The skeletons pulse while a page loads: hold the answer back to catch them on screen.
  await page.route('**/api/v1/inventory', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.goto(`${BASE_URL}/signin`);
  await signInByApi(page);
  await page.goto(`${BASE_URL}/account/data`);
  await page.locator('.skeleton-line').first().waitFor();
  const moving = await page.evaluate(() => [...document.querySelectorAll('*')]
    .map((el) => getComputedStyle(el))
    .filter((style) => style.animationName !== 'none'
      || style.transitionDuration.split(',').some((d) => parseFloat(d) > 0))
    .length);
  assert.equal(moving, 0, 'elements still animate with prefers-reduced-motion: reduce');
  assert.deepEqual(page.problems, []);
});

test('at 320 px the tab strip shows the tab of the page that is open, in both languages', async () => {
  const page = await openPage(browser, { viewport: { width: 320, height: 640 } });
  await page.goto(`${BASE_URL}/signin`);
  await signInByApi(page);
  for (const lang of ['en', 'zh-CN']) {
    await chooseLanguage(page.context(), lang);
    for (const path of ['/account', '/account/devices', '/account/data', '/account/close']) {
      await page.goto(`${BASE_URL}${path}`);
      await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
      // Scrolled in the frame after the page appears.
      const shown = await page.waitForFunction(() => {
        const strip = document.querySelector('.account-nav ul').getBoundingClientRect();
        const tab = document.querySelector('.account-nav a[aria-current=page]').getBoundingClientRect();
        return tab.left >= strip.left - 0.5 && tab.right <= strip.right + 0.5;
      }, null, { timeout: 2000 }).then(() => true, () => false);
      assert.ok(shown, `the current tab of ${path} is out of view in ${lang}`);
    }
    const scrolledSideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(scrolledSideways <= 0, `the page scrolls ${scrolledSideways}px sideways`);
  }
  assert.deepEqual(page.problems, []);
});
