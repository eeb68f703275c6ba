import { launch, openPage, heading, signIn, BASE_URL, api, signInByApi } from './helpers.js';
import fs from 'node:fs';
const browser = await launch();
const agg = { self: {}, total: {} };
let n = 0;
for (let round = 0; round < Number(process.env.ROUNDS ?? 3); round++) {
  const page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  await signIn(page);
  await heading(page, 'Personal info');
  await page.goto(`${BASE_URL}/account/close`);
  await heading(page, 'Before you go');
  await page.waitForTimeout(300);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  await page.getByRole('button', { name: 'Continue to the checklist' }).click();
  await heading(page, 'Checklist');
  await page.waitForTimeout(200);
  const { profile } = await cdp.send('Profiler.stop');
  const byId = new Map(profile.nodes.map(nd => [nd.id, nd]));
  const parent = new Map();
  for (const nd of profile.nodes) for (const c of nd.children ?? []) parent.set(c, nd.id);
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i+1] ?? 0) / 1000;
    let id = profile.samples[i]; const nd = byId.get(id);
    { let j = id, ours = false; while (j !== undefined) { const u = byId.get(j).callFrame.url; if (u.includes('127.0.0.1') || u.startsWith('wasm')) { ours = true; break; } j = parent.get(j); } if (!ours && !['focus','remove','(garbage collector)'].includes(nd.callFrame.functionName)) { agg.self['(other: ' + nd.callFrame.functionName + ')'] = (agg.self['(other: ' + nd.callFrame.functionName + ')'] ?? 0) + dt; continue; } }
    const name = nd.callFrame.functionName || '(anon)';
    if (name === '(idle)' || name === '(program)') continue;
    agg.self[name] = (agg.self[name] ?? 0) + dt;
    const seen = new Set();
    while (id !== undefined) { const f = byId.get(id).callFrame.functionName || '(anon)'; if (!seen.has(f)) { agg.total[f] = (agg.total[f] ?? 0) + dt; seen.add(f); } id = parent.get(id); }
  }
  n++;
  await signInByApi(page);
  await api(page, 'DELETE', '/deletion');
  await page.context().close();
}
const top = (o, k) => Object.entries(o).sort((a, b) => b[1] - a[1]).slice(0, 400).map(([f, t]) => (t / n).toFixed(2) + '  ' + f.slice(0, 150)).join('\n');
console.log('SELF\n' + top(agg.self, 40) + '\n\nTOTAL\n' + top(agg.total, 70));
await browser.close();
