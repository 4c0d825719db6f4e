// BENCH_PROFILE=1: V8's sampling profiler on ours' two workers (the site's and the office's)
// during the first run of the webhook case, through Miniflare's inspector proxy, to show where
// an event's CPU goes. A diagnostic only (the profiler itself costs CPU: that run's figures are
// not comparable); its summary is printed and the .cpuprofile files kept in bench/out/.
import WebSocket from 'ws';
import { writeFileSync } from 'node:fs';

export const PROFILE = process.env.BENCH_PROFILE === '1';
export const INSPECTOR_PORT = 9231;

/** Connects to one worker's inspector and starts sampling. */
export async function startProfile(worker) {
  const ws = new WebSocket(`ws://127.0.0.1:${INSPECTOR_PORT}/${worker}`);
  await new Promise((ok, fail) => { ws.once('open', ok); ws.once('error', fail); });
  let id = 0;
  const waiting = new Map();
  ws.on('message', (m) => {
    const msg = JSON.parse(m.toString());
    if (msg.id && waiting.has(msg.id)) {
      waiting.get(msg.id)(msg);
      waiting.delete(msg.id);
    }
  });
  const send = (method, params = {}) => new Promise((ok) => {
    const n = ++id;
    waiting.set(n, ok);
    ws.send(JSON.stringify({ id: n, method, params }));
  });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 100 });
  await send('Profiler.start');
  return {
    async stop(file) {
      const r = await send('Profiler.stop');
      ws.close();
      const profile = r.result?.profile;
      if (profile) writeFileSync(file, JSON.stringify(profile));
      return profile;
    },
  };
}

/** Self time by function and by kind (wasm, D1's JS, the runtime's JS, GC, idle), as lines. */
export function summarize(name, profile, top = 25) {
  if (!profile) return [`${name}: no profile`];
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? 0)));
  const fn = new Map();
  const kind = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    const f = n.callFrame;
    const label = `${f.functionName || '(anonymous)'} ${f.url ? f.url.split('/').slice(-1)[0] : ''}`.trim();
    fn.set(label, (fn.get(label) ?? 0) + us);
    const k = f.functionName === '(idle)' ? 'idle'
      : f.functionName === '(garbage collector)' ? 'gc'
      : f.functionName === '(program)' ? 'program (native, unattributed)'
      : /wasm/.test(f.url) || /^\$?func|wasm-function/.test(f.functionName) ? 'wasm'
      : /d1|D1/.test(f.url) ? 'D1 (JS)'
      : f.url ? `js ${f.url.split('/').slice(-1)[0]}` : `native ${f.functionName}`;
    kind.set(k, (kind.get(k) ?? 0) + us);
    if (k !== 'idle') total += us;
  }
  const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
  const lines = [`${name}: ${(total / 1000).toFixed(0)} ms busy sampled`];
  for (const [k, us] of [...kind].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`   ${pct(us)}  ${k}`);
  lines.push('   top functions (self time):');
  for (const [f, us] of [...fn].filter(([f]) => !f.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`   ${pct(us)}  ${f.slice(0, 110)}`);
  return lines;
}
