import { launch, openPage, BASE_URL } from './helpers.js';
const browser = await launch();
const page = await openPage(browser);
await page.goto(`${BASE_URL}/robots.txt`);
const f = () => page.evaluate(() => { const r = []; for (let k = 0; k < 5; k++) { const t = performance.now(); for (let i = 0; i < 10; i++) fetch('/api/v1/health'); r.push((performance.now() - t) / 10); } return r.map(x => x.toFixed(3)); });
console.log('playwright default', await f());
await browser.close();
