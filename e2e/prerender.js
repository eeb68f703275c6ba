// `cargo xtask prerender`: writes OUT_DIR/signin.<lang>[.<state>].html, the sign-in screen as
// the app draws it in each language and state, for the build to put into the sign-in pages.
import { writeFile } from 'node:fs/promises';
import { drawnSignInScreen, launch, SIGN_IN_STATES } from './helpers.js';

const OUT_DIR = process.env.OUT_DIR;
const browser = await launch();
for (const lang of ['en', 'zh-CN']) {
  for (const state of [undefined, ...Object.keys(SIGN_IN_STATES)]) {
    const file = `${OUT_DIR}/signin.${lang}${state ? `.${state}` : ''}.html`;
    await writeFile(file, await drawnSignInScreen(browser, lang, state));
    console.log(file);
  }
}
await browser.close();
