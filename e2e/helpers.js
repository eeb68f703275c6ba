// Shared set-up: Debian's Chromium via playwright-core, a fresh profile per test, and the
// server that `cargo xtask test` started (BASE_URL) with the demo data.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
export const DEMO = { email: 'demo@example.com', phone: '+1 555 0100', password: 'farewell-demo' };

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: FLAGS,
  });
}

/// Chooses the language as the switch does: the cookie the app keeps and the server reads.
export async function chooseLanguage(context, lang) {
  await context.addCookies([{ name: 'lang', value: lang, url: BASE_URL }]);
}

/// `prerendered/signin.<lang>.html`: what the build puts into the sign-in page in `lang`.
/// The states the server sends the sign-in page in besides its first, each pre-rendered as the
/// app draws it at this query: why a press before the app started came back (`?error=`,
/// `SignInFailure`), or that the person has signed out. The throttled page's minutes are a
/// stand-in the server replaces (`SignInFailure::PRERENDERED_MINUTES`).
export const SIGN_IN_STATES = {
  invalid: '?error=invalid',
  missing: '?error=missing',
  throttled: `?error=throttled&retry_after=${999999 * 60}`,
  // One minute is said apart ("1 minute").
  throttled_one: '?error=throttled&retry_after=60',
  signed_out: '?signed_out',
};

/// `prerendered/signin.<lang>[.<state>].html`.
export const preRenderedScreenFile = (lang, state) =>
  new URL(`../prerendered/signin.${lang}${state ? `.${state}` : ''}.html`, import.meta.url);

/// The sign-in screen as the app draws it in `lang` (and `state`, one of SIGN_IN_STATES), in
/// the form of its pre-rendered file: a comment, the `<title>`, then the markup of `<body>`
/// (but `<noscript>`), without the empty markers the framework keeps between parts.
export async function drawnSignInScreen(browser, lang, state) {
  const context = await browser.newContext({ locale: 'en-US' });
  await chooseLanguage(context, lang);
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/signin${state ? SIGN_IN_STATES[state] : ''}`);
  // The app has taken the page over once its heading, or the summary of what went wrong,
  // has focus.
  await page.waitForFunction(() => document.activeElement?.matches('h1, .error-summary'));
  const { title, body } = await page.evaluate(() => {
    const box = document.createElement('div');
    for (const node of document.body.childNodes) {
      if (!['NOSCRIPT', 'SCRIPT'].includes(node.nodeName)) box.append(node.cloneNode(true));
    }
    const comments = document.createTreeWalker(box, NodeFilter.SHOW_COMMENT);
    const markers = [];
    while (comments.nextNode()) markers.push(comments.currentNode);
    markers.forEach((marker) => marker.remove());
    const text = document.createElement('p');
    text.textContent = document.title;
    return { title: text.innerHTML, body: box.innerHTML.trim() };
  });
  await context.close();
  return '<!-- Written by `cargo xtask prerender`: the sign-in screen as the app draws it. -->\n'
    + `<title>${title}</title>\n${body}\n`;
}

/// A page in a fresh context that fails the test on any console error or CSP report.
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => {
    // A refused request (4xx) is part of the journeys under test; anything else is a problem,
    // CSP violations ("Refused to …") included.
    const expected = /the server responded with a status of 4\d\d/.test(msg.text());
    if (msg.type() === 'error' && !expected) page.problems.push(msg.text());
  });
  page.on('pageerror', (err) => page.problems.push(err.message));
  return page;
}

/// Waits for the app to render a page: its <h1> holds focus.
export async function heading(page, text) {
  const h1 = page.locator('h1');
  await h1.filter({ hasText: text }).waitFor();
  return h1;
}

/// Opens the sign-in page and waits for the app to take its pre-rendered form over (the
/// heading then has focus), so what follows goes through the app, not the plain form.
export async function openSignIn(page, path = '/signin') {
  await page.goto(`${BASE_URL}${path}`);
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
}

export async function signIn(page, login = DEMO.email, password = DEMO.password) {
  await openSignIn(page);
  await page.getByLabel('Email or phone number').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function expectNoAxeViolations(page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`);
  assert.deepEqual(summary, [], 'axe-core found violations');
}

/// How many (screen, language, scheme, width) combinations axe checked in this file.
export const axeChecks = { count: 0 };

/// axe-core at 320, 768 and 1280 px in the light and the dark scheme, and no sideways
/// scrolling at any of them; leaves the page at 1280 px in its original scheme.
export async function checkEverywhere(page, { widths = [320, 768, 1280], schemes = ['light', 'dark'] } = {}) {
  const original = await page.evaluate(() => (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  for (const colorScheme of schemes) {
    await page.emulateMedia({ colorScheme });
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${overflow}px of sideways scrolling at ${width}px (${colorScheme})`);
      await expectNoAxeViolations(page);
      axeChecks.count += 1;
    }
  }
  await page.emulateMedia({ colorScheme: original });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/// Presses Tab until the focused element matches `selector`; fails if it never does, or if
/// the focused element shows no visible focus indicator.
export async function tabTo(page, selector, { max = 80, back = false } = {}) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const hit = await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector);
    if (hit) {
      const outline = await page.evaluate(() => {
        const style = getComputedStyle(document.activeElement);
        return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      });
      assert.ok(outline, `${selector} has no visible focus outline`);
      return;
    }
  }
  throw new Error(`Tab never reached ${selector}`);
}

/// The six-digit code in the newest message to `to`, from the dev outbox.
export async function lastCodeTo(to) {
  const response = await fetch(`${BASE_URL}/api/v1/dev/outbox?to=${encodeURIComponent(to)}`);
  const messages = await response.json();
  const match = messages[0]?.body.match(/\b(\d{6})\b/);
  assert.ok(match, `no code sent to ${to}`);
  return match[1];
}

/// Calls the API from inside the page, with its cookies, as the app does; returns the status.
export async function api(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const response = await fetch(`/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-requested-with': 'farewell' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.status;
  }, { method, path, body });
}

/// Signs the page's context in through the API (for tests about other screens).
export async function signInByApi(page, login = DEMO.email, password = DEMO.password) {
  assert.equal(await api(page, 'POST', '/session', { login, password }), 200);
}
