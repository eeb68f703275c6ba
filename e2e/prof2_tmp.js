// Traces N checklist transitions with the V8 sampling profiler; aggregates samples inside the measure.
import { launch, openPage, heading, signIn, BASE_URL, api, signInByApi } from './helpers.js';
const browser = await launch();
const self = {}, total = {}; let n = 0, dur = 0;
const STEP = process.env.STEP ?? 'checklist';
for (let round = 0; round < Number(process.env.ROUNDS ?? 3); round++) {
  const page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  await signIn(page);
  await heading(page, 'Personal info');
  await page.goto(`${BASE_URL}/account/close`);
  await heading(page, 'Before you go');
  await page.waitForTimeout(300);
  await browser.startTracing(page, { categories: ['blink.user_timing', 'disabled-by-default-v8.cpu_profiler', 'v8'] });
  await page.getByRole('button', { name: 'Continue to the checklist' }).click();
  await heading(page, 'Checklist');
  await page.waitForTimeout(300);
  const ev = JSON.parse(await browser.stopTracing()).traceEvents;
  const b = ev.filter(e => e.name === 'farewell:transition' && e.ph === 'b').pop();
  const e = ev.filter(e => e.name === 'farewell:transition' && e.ph === 'e').pop();
  dur += (e.ts - b.ts) / 1000;
  const nodes = new Map(); const parent = new Map();
  const samples = [];
  const t0 = {};
  for (const x of ev) {
    if (x.name === 'Profile') { t0[x.pid + ':' + x.id] = x.args.data.startTime; continue; }
    if (x.name !== 'ProfileChunk') continue;
    const key = x.pid + ':' + x.id;
    const d = x.args.data.cpuProfile ?? {};
    for (const nd of d.nodes ?? []) { nodes.set(key + '/' + nd.id, nd); if (nd.parent) parent.set(key + '/' + nd.id, key + '/' + nd.parent); }
    const deltas = x.args.data.timeDeltas ?? [];
    (d.samples ?? []).forEach((s, i) => { t0[key] += deltas[i]; samples.push([t0[key], key + '/' + s]); });
  }
  samples.sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < samples.length - 1; i++) {
    const [t, id] = samples[i]; if (t < b.ts || t > e.ts) continue;
    const dt = (samples[i + 1][0] - t) / 1000;
    const name = (id2) => nodes.get(id2)?.callFrame?.functionName || '(' + (nodes.get(id2)?.callFrame?.url?.slice(-20) ?? '?') + ')';
    const nm = name(id); self[nm] = (self[nm] ?? 0) + dt;
    const seen = new Set(); let j = id;
    while (j !== undefined) { const f = name(j); if (!seen.has(f)) { total[f] = (total[f] ?? 0) + dt; seen.add(f); } j = parent.get(j); }
  }
  n++;
  await signInByApi(page); await api(page, 'DELETE', '/deletion');
  await page.context().close();
}
const top = (o, k) => Object.entries(o).sort((a, b) => b[1] - a[1]).slice(0, k).map(([f, t]) => (t / n).toFixed(2) + '  ' + f.replace(/::h[0-9a-f]{16}/g, '').slice(0, 140)).join('\n');
console.log('mean transition', (dur / n).toFixed(1), '\nSELF\n' + top(self, 45) + '\n\nTOTAL\n' + top(total, Number(process.env.TOTAL ?? 120)));
await browser.close();
