// `cargo xtask prerender`: writes OUT_DIR/signin.<lang>.html, the sign-in screen as the app
// draws it in each language, for the build to put into the sign-in pages.
import { writeFile } from 'node:fs/promises';
import { drawnSignInScreen, launch } from './helpers.js';

const OUT_DIR = process.env.OUT_DIR;
const browser = await launch();
for (const lang of ['en', 'zh-CN']) {
  await writeFile(`${OUT_DIR}/signin.${lang}.html`, await drawnSignInScreen(browser, lang));
  console.log(`${OUT_DIR}/signin.${lang}.html`);
}
await browser.close();
