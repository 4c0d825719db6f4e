// `make bench`: the campaign worker against its limits and its peer, in workerd itself.
//
// One Miniflare instance (one workerd process) runs bench-only workers, each on its own direct
// socket (no Miniflare entry worker, no wrangler proxy, no Node in the request path):
//   ours          build/site/index.js + index_bg.wasm, the product as built, edge cache on
//   ours-render   the same worker with EDGE_CACHE_SECS=0: every request renders from D1
//   office        build/office/ (the maintainers' worker), when the build has one
//   peer          bench/peer: Hono + hono/jsx, the same page from the same D1 with the same SQL
//   ours-scale    ours-render on the scale case's D1 (bench/scale-seed.sql: 100,000 payments,
//   peer-scale    20,000 comments), and the peer on the same D1
//   limit-hello   a hello-world worker
//   limit-static  no code: the HTML of `/` served by workerd's asset router (Miniflare `assets`)
// Every run is `wrk -t1 -c8` for a few seconds after a short warm-up; CPU per request is
// workerd's utime+stime from /proc over the run, divided by the requests wrk made. Each headline
// comparison is run in alternating rounds (ours, peer, ours, peer, ...): medians, min–max and
// the ratio of each round are printed and every run is kept in bench/results.json. Cold starts
// are fresh Miniflare instances of one worker each, timed to their first response.
// Speed never fails the run; a worker that does not start or answers wrongly does (exit 1,
// after writing what was measured).
//
// Knobs (environment; bench/README.md): BENCH_ROUNDS (5), BENCH_SECONDS (3), BENCH_WARMUP (1),
// BENCH_CONNECTIONS (8), BENCH_COLD_STARTS (5), BENCH_QUIET_WAIT (5), BENCH_QUIET_BUDGET (60),
// BENCH_LIGHTHOUSE (1), BENCH_BUILD (build), BENCH_CASES (all; `cached`: only the edge cache
// against the static asset, with the checks; `scale`: only the scale case, with its checks;
// `webhook`: only the webhook case; `seed`: only rendered /, rendering alone and the statement
// alone on the seed data; no cold starts or Lighthouse); the scale case's BENCH_SCALE_PAGE (200: its deep
// page), BENCH_SCALE_CONNECTIONS (2), BENCH_SCALE_SECONDS (5), BENCH_SCALE_PROBES (1).

import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import Stripe from 'stripe';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { writePeerContent } from './lib/content.mjs';
import { CLK_TCK, cores, descendants, loadavg, machineTicks, othersBusy, stat, ticksOf } from './lib/proc.mjs';
import { wrk } from './lib/wrk.mjs';
import { lighthouse } from './lib/lighthouse.mjs';
import { median, ratios, spread } from './lib/stats.mjs';
import { SEED_EXPECTS, SEED_SCHEMA, seedScale } from './lib/scale.mjs';
import { INSPECTOR_PORT, PROFILE, startProfile, summarize as profileSummary } from './lib/profile.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = `${ROOT}/bench/out`;
const STATE = `${OUT}/state`;
const env = (k, d) => (process.env[k] === undefined || process.env[k] === '' ? d : process.env[k]);
// A run of some cases only (BENCH_CASES) leaves the full run's figures alone.
const RESULTS = env('BENCH_CASES', 'all') === 'all' ? `${ROOT}/bench/results.json` : `${OUT}/results-${env('BENCH_CASES', 'all')}.json`;
const CFG = {
  rounds: Math.max(1, Number(env('BENCH_ROUNDS', 5))),
  seconds: Number(env('BENCH_SECONDS', 3)),
  warmup: Number(env('BENCH_WARMUP', 1)),
  connections: Number(env('BENCH_CONNECTIONS', 8)),
  coldStarts: Math.max(1, Number(env('BENCH_COLD_STARTS', 5))),
  quietWait: Number(env('BENCH_QUIET_WAIT', 5)),
  quietBudget: Number(env('BENCH_QUIET_BUDGET', 60)),
  cases: env('BENCH_CASES', 'all'),
  lighthouse: env('BENCH_LIGHTHOUSE', '1') !== '0' && env('BENCH_CASES', 'all') === 'all',
  build: resolve(ROOT, env('BENCH_BUILD', 'build')),
  scalePage: Math.max(2, Number(env('BENCH_SCALE_PAGE', 200))),
  scaleConnections: Math.max(1, Number(env('BENCH_SCALE_CONNECTIONS', 2))),
  scaleProbes: Math.max(0, Number(env('BENCH_SCALE_PROBES', 1))),
  scaleSeconds: Number(env('BENCH_SCALE_SECONDS', 5)),
};
// Which parts run: `all`, `cached` (the edge cache alone), `scale` (the scale case alone) or
// `webhook` (the webhook case alone) or `seed` (rendered, rendering alone and the statement
// alone on the seed data, ours against the peer).
const RUNS = {
  peer: ['all', 'scale', 'seed'].includes(CFG.cases),
  seed: ['all', 'seed'].includes(CFG.cases),
  scale: ['all', 'scale'].includes(CFG.cases),
  cached: ['all', 'cached'].includes(CFG.cases),
  webhook: ['all', 'webhook'].includes(CFG.cases),
  full: CFG.cases === 'all',
};
// The site's worker (what a visitor's request loads) and the office's, as scripts/build.sh lays them out.
const BUILD = `${CFG.build}/site`;
const OFFICE = `${CFG.build}/office`;
const TARGETS = {
  rendered_rps: { min: 1.25, text: 'rendered / ours/peer req/s >= 1.25' },
  rendered_cpu: { max: 0.8, text: 'rendered / ours/peer CPU/request <= 0.8' },
  render_only_cpu: { max: 0.7, text: 'rendering alone (/, no D1) ours/peer CPU/request <= 0.7' },
  cold_start: { max: 1.5, text: 'cold start ours/peer time to first response, each minus hello-world, <= 1.5' },
  wasm_gzip_kb: { max: 250, digits: 1, text: "visitor's wasm <= 250 KB gzip (1 KB = 1000 bytes)" },
  cached_static_rps: { min: 0.8, text: 'cached ours/limit (static asset) req/s >= 0.8' },
  lighthouse: { min: 100, digits: 0, text: 'Lighthouse mobile performance, accessibility, best practices, SEO = 100 for / and /km/' },
  d1_cpu: { max: 1.0, text: 'the page statement alone (seed data) ours/peer CPU/request <= 1.0' },
  d1_cpu_scale: { max: 1.0, text: 'the page statement alone (scale case, page 1) ours/peer CPU/request <= 1.0' },
  scale_cost: { max: 1.2, text: 'ours at 100,000 payments costs at most 1.2x ours at the seed data (rendered /, CPU/request)' },
  scale_cost_no_stats: { max: 1.2, text: "the same before PRAGMA optimize (no planner statistics, as the product leaves D1)" },
  webhook_cpu: { max: 2300, digits: 0, text: 'webhook CPU per event <= 2,300 µs (median of the rounds)' },
};
const SITE_SECRET = 'bench-site-secret-not-a-real-one-0123456789';
const WEBHOOK_SECRET = 'whsec_benchOnlyNotARealSecret0123456789';
const BOOTSTRAP_SECRET = 'bench-bootstrap-secret-not-a-real-one-0123456789';
const COMMENTER_IP = '203.0.113.77';

const started = Date.now();
const problems = []; // real errors: make the run fail after everything is written
const warnings = []; // worth a look, never a failure
const log = (...a) => console.log(...a);
const step = (s) => log(`\n== ${s}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const warn = (w) => {
  log(`   WARN ${w}`);
  warnings.push(w);
};
const check = (name, ok, detail) => {
  log(`   ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  if (!ok) problems.push(`${name}: ${detail}`);
  return ok;
};
// ---- configuration from the repository ------------------------------------------------------------

function wranglerToml() {
  const text = readFileSync(`${ROOT}/wrangler.toml`, 'utf8');
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(text)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(text)?.[1];
  const vars = {};
  let section = '';
  for (const line of text.split('\n')) {
    const s = /^\s*\[+\s*([^\]]+?)\s*\]+/.exec(line);
    if (s) { section = s[1]; continue; }
    const kv = /^\s*([A-Z0-9_]+)\s*=\s*"([^"]*)"/.exec(line);
    if (section === 'vars' && kv) vars[kv[1]] = kv[2];
  }
  return {
    compatibilityDate: date,
    compatibilityFlags: flags ? [...flags.matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [],
    vars,
  };
}

/** Statements of a .sql file: `--` comments dropped, split on `;` outside quotes. */
function sqlStatements(text) {
  const out = [];
  let cur = '';
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      cur += c;
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
      cur += '\n';
    } else if (c === ';') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const pkgVersion = (name) => {
  try {
    return JSON.parse(readFileSync(`${ROOT}/node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    return null;
  }
};
const tryRun = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    return (e.stdout || e.stderr || '').toString().trim() || null;
  }
};

// ---- workers ----------------------------------------------------------------------------------

const hasOffice = () => existsSync(`${OFFICE}/index.js`) && existsSync(`${OFFICE}/index_bg.wasm`);

/** A worker as scripts/build.sh built it in `dir`, with the bench's D1, variables and secrets. */
function builtWorker(toml, dir, name, extra) {
  return {
    name,
    modulesRoot: dir,
    modules: [
      { type: 'ESModule', path: `${dir}/index.js` },
      { type: 'CompiledWasm', path: `${dir}/index_bg.wasm` },
    ],
    compatibilityDate: toml.compatibilityDate,
    compatibilityFlags: toml.compatibilityFlags,
    d1Databases: { DB: extra.d1 ?? 'bench-campaign' },
    bindings: {
      ...toml.vars,
      CHECKOUT: 'sandbox',
      SITE_SECRET,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      EDGE_CACHE_SECS: '60',
      ...extra.bindings,
    },
    ...(extra.serviceBindings ? { serviceBindings: extra.serviceBindings } : {}),
    cacheAPI: true,
    unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
    ...(PROFILE ? { unsafeInspectorProxy: true } : {}),
  };
}

/**
 * The visitor's worker as built. `edgeTtl` '0' switches its edge cache off (`ours-render`); `d1`
 * names its database (the scale case's: `bench-scale`).
 */
function oursWorker(toml, { name = 'ours', edgeTtl = '60', office = hasOffice(), d1 } = {}) {
  return builtWorker(toml, BUILD, name, {
    d1,
    bindings: { EDGE_CACHE_SECS: edgeTtl },
    serviceBindings: office ? { OFFICE: 'office' } : null,
  });
}

/** The maintainers' worker, when the build is split in two (build/office/). */
function officeWorker(toml) {
  return builtWorker(toml, OFFICE, 'office', { bindings: { BOOTSTRAP_SECRET } });
}

function peerWorker(toml, { name = 'peer', d1 = 'bench-campaign' } = {}) {
  return {
    name,
    modulesRoot: `${OUT}/peer`,
    modules: [{ type: 'ESModule', path: `${OUT}/peer/index.js` }],
    compatibilityDate: toml.compatibilityDate,
    d1Databases: { DB: d1 },
    bindings: { ...toml.vars, CHECKOUT: 'sandbox', SITE_SECRET },
    unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
  };
}

function helloWorker(toml) {
  return {
    name: 'limit-hello',
    modules: true,
    script: 'export default { fetch() { return new Response("Hello World!"); } };',
    compatibilityDate: toml.compatibilityDate,
    unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
  };
}

function staticWorker(toml) {
  return {
    name: 'limit-static',
    modules: true,
    script: 'export default {};',
    compatibilityDate: toml.compatibilityDate,
    assets: { directory: `${OUT}/static`, routerConfig: { has_user_worker: false } },
    unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
  };
}

let workerdLogs = { count: 0, errors: [] };
function miniflare(workers) {
  return new Miniflare(convertV4MiniflareOptions({
    workers,
    resourcePersistencePath: STATE,
    ...(PROFILE ? { inspectorPort: INSPECTOR_PORT } : {}),
    logRequests: false,
    telemetry: { enabled: false },
    handleStructuredLogs: (l) => {
      workerdLogs.count++;
      if (/error/i.test(l.level) && workerdLogs.errors.length < 20) workerdLogs.errors.push(l.message.slice(0, 500));
    },
  }));
}

async function get(url, headers = {}) {
  const r = await fetch(url, { headers, redirect: 'manual' });
  const body = await r.text();
  return { status: r.status, headers: r.headers, body, bytes: Buffer.byteLength(body) };
}

const gz = (s) => gzipSync(s, { level: 9 }).length;
/** The length of `gzip -9 -n -c file` (GNU gzip), or null without it. */
function gnuGzipBytes(file) {
  try {
    return execFileSync('gzip', ['-9', '-n', '-c', file], { maxBuffer: 64 << 20 }).length;
  } catch {
    return null;
  }
}

/** The text a reader sees: markup, Leptos' `<!>` markers and the stylesheet dropped. */
const visible = (h) => h.replace(/<style>[^<]*<\/style>/, '').replace(/<!>/g, '').replace(/<[^>]+>/g, ' ')
  .replace(/&amp;/g, '&').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
  .replace(/\s+/g, ' ').trim();
const tags = (h) => (h.match(/<[a-z][^>]*>/g) ?? []).length;
const isPage = (r) => r.status === 200 && r.body.startsWith('<!DOCTYPE html>');
// ---- measuring ----------------------------------------------------------------------------------

let workerdPids = [];
let quietSpent = 0; // seconds waited for other load, over the whole run (BENCH_QUIET_BUDGET)

/** Waits (within the per-run and whole-run budgets) for other processes to drop below 40 %. */
async function waitQuiet() {
  const t0 = Date.now();
  const deadline = t0 + Math.max(0, Math.min(CFG.quietWait, CFG.quietBudget - quietSpent)) * 1000;
  let seen = await othersBusy(700, [...workerdPids, process.pid]);
  while (seen.pct > 40 && Date.now() < deadline) {
    log(`   (waiting: other processes use ${seen.pct}% of a core: ${seen.top.map((p) => `${p.comm} ${p.pct}%`).join(', ')})`);
    await sleep(1000);
    seen = await othersBusy(700, [...workerdPids, process.pid]);
  }
  quietSpent += (Date.now() - t0) / 1000 - 0.7;
  return seen;
}

/**
 * Waits (at most `maxSec`) until workerd is idle: requests wrk left queued when it stopped
 * (slow ones, in the scale case) would otherwise be counted in the next run.
 */
async function drain(maxSec = 30) {
  const t0 = Date.now();
  for (;;) {
    const a = ticksOf(workerdPids);
    await sleep(200);
    const b = ticksOf(workerdPids);
    if ((b - a) / CLK_TCK < 0.02 || Date.now() - t0 > maxSec * 1000) return Math.round((Date.now() - t0) / 100) / 10;
  }
}

/**
 * One wrk run against `url`: warm-up, then the measured part with workerd's CPU around it.
 * `connections`, `timeoutSec` and `seconds` override the run's defaults; `settle`: wait for
 * workerd to go idle before the run and before its measured part.
 */
async function measure(label, { url, headers = {}, script, scriptEnv = {}, warmupEnv, connections = CFG.connections, timeoutSec, settle = false, seconds = CFG.seconds }) {
  if (settle) await drain();
  const before = await waitQuiet();
  if (CFG.warmup > 0) await wrk({ url, headers, script, env: warmupEnv ?? scriptEnv, seconds: CFG.warmup, connections, timeoutSec });
  if (settle) await drain();
  const w0 = ticksOf(workerdPids);
  const me0 = stat(process.pid);
  const m0 = machineTicks();
  const t0 = process.hrtime.bigint();
  const r = await wrk({ url, headers, script, env: scriptEnv, seconds, connections, timeoutSec });
  const t1 = process.hrtime.bigint();
  const w1 = ticksOf(workerdPids);
  const me1 = stat(process.pid);
  const m1 = machineTicks();
  const elapsed = Number(t1 - t0) / 1e9;
  const workerdSec = (w1 - w0) / CLK_TCK;
  const nodeSec = (me1.ticks - me0.ticks) / CLK_TCK;
  const wrkSec = (me1.childTicks - me0.childTicks) / CLK_TCK;
  const machineSec = ((m1.busy - m0.busy) / ((m1.total - m0.total) || 1)) * cores() * elapsed;
  const othersPct = Math.max(0, Math.round(((machineSec - workerdSec - nodeSec - wrkSec) / elapsed) * 100));
  const res = {
    at: new Date().toISOString(),
    rps: r.rps,
    p50_ms: r.p50_ms,
    p90_ms: r.p90_ms,
    p99_ms: r.p99_ms,
    requests: r.requests,
    seconds: r.seconds,
    non2xx: r.non2xx,
    socket_errors: r.socket_errors,
    cpu_us_per_request: r.requests ? Math.round((workerdSec * 1e6) / r.requests) : null,
    workerd_cpu_pct: Math.round((workerdSec / elapsed) * 100),
    wrk_cpu_pct: Math.round((wrkSec / elapsed) * 100),
    node_cpu_pct: Math.round((nodeSec / elapsed) * 100),
    others_cpu_pct_before: before.pct,
    others_top_before: before.top,
    others_cpu_pct_during: othersPct,
    command: r.command,
  };
  log(`   ${label}: ${fmt(res.rps, 0)} req/s, p50 ${fmt(res.p50_ms, 2)} ms, ${res.cpu_us_per_request} µs CPU/request` +
    ` (workerd ${res.workerd_cpu_pct}%, wrk ${res.wrk_cpu_pct}%, others ${res.others_cpu_pct_during}% of a core)` +
    (res.non2xx || res.socket_errors ? `, ${res.non2xx} non-2xx, ${res.socket_errors} socket errors` : ''));
  return res;
}

const FIGURES = ['rps', 'cpu_us_per_request', 'p50_ms', 'p90_ms', 'p99_ms'];

/** A case made of runs: its medians and spreads (min–max) of every figure. */
function summarize(c) {
  for (const f of FIGURES) c[f] = spread(c.runs.map((r) => r[f]));
  c.others_cpu_pct_max = Math.max(0, ...c.runs.map((r) => r.others_cpu_pct_during ?? 0));
  c.requests_total = c.runs.reduce((n, r) => n + (r.requests ?? 0), 0);
  return c;
}

/** One run of one case, kept as a case of its own (limits, diagnostics). */
async function single(key, label, opts) {
  const c = { label, url: opts.url, headers: opts.headers ?? {}, runs: [await measure(label, opts)] };
  results.cases[key] = summarize(c);
  return c;
}

/**
 * `cases` measured in alternating rounds (a, b, c, a, b, c, ...), CFG.rounds of them: each case
 * keeps every run; its figures are medians with their spread.
 */
async function series(cases) {
  for (const c of cases) results.cases[c.key] = { label: c.label, url: c.url, headers: c.headers ?? {}, runs: [] };
  for (let round = 1; round <= CFG.rounds; round++) {
    for (const c of cases) {
      const r = await measure(`[${round}/${CFG.rounds}] ${c.label}`, c);
      results.cases[c.key].runs.push({ round, ...r });
    }
  }
  for (const c of cases) summarize(results.cases[c.key]);
}

/** ours/peer of two cases measured in the same rounds: the ratio of each round, and its median. */
function compare(key, label, a, b) {
  const A = results.cases[a];
  const B = results.cases[b];
  if (!A || !B) return null;
  const by = (f) => ratios(A.runs.map((r) => r[f]), B.runs.map((r) => r[f]));
  results.comparisons[key] = { label, a, b, rounds: Math.min(A.runs.length, B.runs.length), rps: by('rps'), cpu: by('cpu_us_per_request'), p50: by('p50_ms') };
  return results.comparisons[key];
}

function fmt(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  return Number(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
// ---- cold start ---------------------------------------------------------------------------------

/**
 * One fresh start: a new Miniflare (so a new workerd process) with just `worker` (and its D1),
 * timed from construction to the first response's body read in full, with the new workerd
 * process's CPU (utime+stime, all threads) up to then; disposed after.
 */
async function coldStart(worker, path, expect) {
  const before = new Set(descendants(process.pid, 'workerd'));
  const quiet = await waitQuiet();
  const t0 = process.hrtime.bigint();
  const mf = miniflare([worker]);
  try {
    await mf.ready;
    const t1 = process.hrtime.bigint();
    const url = new URL(path, await mf.unsafeGetDirectURL(worker.name));
    const r = await fetch(url, { redirect: 'manual' });
    const body = await r.text();
    const t2 = process.hrtime.bigint();
    const pids = descendants(process.pid, 'workerd').filter((p) => !before.has(p));
    const ticks = ticksOf(pids);
    const ok = expect({ status: r.status, body, headers: r.headers });
    return {
      at: new Date().toISOString(),
      wall_ms: Math.round(Number(t2 - t0) / 1e5) / 10,
      ready_ms: Math.round(Number(t1 - t0) / 1e5) / 10,
      first_response_ms: Math.round(Number(t2 - t1) / 1e5) / 10,
      cpu_ms: pids.length ? Math.round((ticks * 1000) / CLK_TCK) : null,
      workerd_pids: pids,
      status: r.status,
      bytes: Buffer.byteLength(body),
      ok,
      others_cpu_pct_before: quiet.pct,
    };
  } finally {
    await mf.dispose();
  }
}

async function coldStarts(toml) {
  const kinds = [
    // The visitor's worker as a visitor's first request starts it: alone (no office worker),
    // edge cache off so that its first `/` renders from D1 as the peer's does.
    { key: 'ours', worker: oursWorker(toml, { edgeTtl: '0', office: false }), path: '/', expect: isPage },
    { key: 'peer', worker: peerWorker(toml), path: '/', expect: isPage },
    { key: 'hello', worker: helloWorker(toml), path: '/', expect: (r) => r.status === 200 && r.body === 'Hello World!' },
  ];
  const C = (results.cold_start = { method: 'new Miniflare per start, one worker (+ D1); wall = construction to first body; CPU = the new workerd process utime+stime until then', starts: {} });
  // One start of each first, not counted: the page cache of the files each one reads.
  for (const k of kinds) await coldStart(k.worker, k.path, k.expect);
  for (const k of kinds) C.starts[k.key] = [];
  for (let round = 1; round <= CFG.coldStarts; round++) {
    for (const k of kinds) {
      const s = await coldStart(k.worker, k.path, k.expect);
      C.starts[k.key].push({ round, ...s });
      log(`   [${round}/${CFG.coldStarts}] ${k.key.padEnd(5)}: first response after ${fmt(s.wall_ms, 1)} ms (ready ${fmt(s.ready_ms, 1)} ms + first request ${fmt(s.first_response_ms, 1)} ms), workerd CPU ${s.cpu_ms} ms${s.ok ? '' : `, WRONG ANSWER ${s.status}`}`);
      if (!s.ok) check(`cold start ${k.key}`, false, `answered ${s.status}, ${s.bytes} bytes`);
    }
  }
  const fig = (key, f) => C.starts[key].map((s) => s[f]);
  const own = (key, f) => C.starts[key].map((s, i) => (s[f] === null || C.starts.hello[i]?.[f] == null ? null : Math.round((s[f] - C.starts.hello[i][f]) * 10) / 10));
  C.summary = {};
  for (const k of kinds) {
    C.summary[k.key] = { wall_ms: spread(fig(k.key, 'wall_ms')), ready_ms: spread(fig(k.key, 'ready_ms')), first_response_ms: spread(fig(k.key, 'first_response_ms')), cpu_ms: spread(fig(k.key, 'cpu_ms')) };
  }
  // What the worker's own code costs: each start minus the hello-world start of its round.
  C.minus_hello = {
    ours: { wall_ms: spread(own('ours', 'wall_ms')), cpu_ms: spread(own('ours', 'cpu_ms')), per_round: { wall_ms: own('ours', 'wall_ms'), cpu_ms: own('ours', 'cpu_ms') } },
    peer: { wall_ms: spread(own('peer', 'wall_ms')), cpu_ms: spread(own('peer', 'cpu_ms')), per_round: { wall_ms: own('peer', 'wall_ms'), cpu_ms: own('peer', 'cpu_ms') } },
  };
  C.ratio = {
    own_wall: ratios(own('ours', 'wall_ms'), own('peer', 'wall_ms')),
    own_cpu: ratios(own('ours', 'cpu_ms'), own('peer', 'cpu_ms')),
    raw_wall: ratios(fig('ours', 'wall_ms'), fig('peer', 'wall_ms')),
    raw_cpu: ratios(fig('ours', 'cpu_ms'), fig('peer', 'cpu_ms')),
  };
}
// ---- the run ------------------------------------------------------------------------------------

async function main() {
  results = {
    generated: new Date().toISOString(),
    config: {
      wrk: { threads: 1, connections: CFG.connections, seconds: CFG.seconds, warmup_seconds: CFG.warmup },
      rounds: CFG.rounds, cold_starts: CFG.coldStarts, quiet_wait_seconds: CFG.quietWait, quiet_budget_seconds: CFG.quietBudget,
      build: BUILD, clk_tck: CLK_TCK,
    },
    machine: { cores: cores(), loadavg_start: loadavg() },
    versions: {
      node: process.version,
      miniflare: pkgVersion('miniflare'),
      workerd: pkgVersion('workerd'),
      wrangler: pkgVersion('wrangler'),
      hono: pkgVersion('hono'),
      lighthouse: pkgVersion('lighthouse'),
      wrk: (tryRun('wrk', ['-v']) ?? '').split('\n')[0] || null,
      chromium: tryRun('/usr/bin/chromium', ['--version']),
    },
    git: { commit: tryRun('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']), dirty: !!tryRun('git', ['-C', ROOT, 'status', '--porcelain']) },
    cases: {},
    comparisons: {},
    cold_start: null,
    scale: null,
    sizes: {},
    ratios: {},
    lighthouse: {},
    targets: {},
    skipped: {},
    problems,
    warnings,
  };

  for (const f of ['index.js', 'index_bg.wasm']) {
    if (!existsSync(`${BUILD}/${f}`)) throw new Error(`${BUILD}/${f} is missing: run sh scripts/build.sh first`);
  }
  results.build = { wasm_mtime: statSync(`${BUILD}/index_bg.wasm`).mtime.toISOString(), office: hasOffice() };

  rmSync(STATE, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const toml = wranglerToml();

  // BENCH_CASES=cached has no peer.
  const withPeer = RUNS.peer;
  if (withPeer) {
    step('peer: content from app/content + app/assets, bundled with esbuild');
    writePeerContent(ROOT, `${OUT}/peer/content.json`);
    execFileSync(`${ROOT}/node_modules/.bin/esbuild`, [
      `${ROOT}/bench/peer/src/index.jsx`, '--bundle', '--format=esm', '--platform=browser',
      '--conditions=workerd,worker,browser', '--target=es2022', '--jsx=automatic', '--jsx-import-source=hono/jsx',
      '--minify', `--alias:@bench/content=${OUT}/peer/content.json`, `--outfile=${OUT}/peer/index.js`, '--log-level=warning',
    ], { stdio: 'inherit' });
    results.sizes.peer_bundle_bytes = statSync(`${OUT}/peer/index.js`).size;
  }

  step('D1: migrations/*.sql + dev/seed.sql, through Miniflare, into bench/out/state');
  const prep = miniflare([oursWorker(toml), ...(hasOffice() ? [officeWorker(toml)] : [])]);
  await prep.ready;
  const db0 = await prep.getD1Database('DB', 'ours');
  const migrations = readdirSync(`${ROOT}/migrations`).filter((f) => f.endsWith('.sql')).sort().map((f) => `migrations/${f}`);
  for (const f of [...migrations, 'dev/seed.sql']) {
    const stmts = sqlStatements(readFileSync(`${ROOT}/${f}`, 'utf8'));
    await db0.batch(stmts.map((s) => db0.prepare(s)));
    log(`   ${f}: ${stmts.length} statements`);
  }
  const prepUrl = await prep.unsafeGetDirectURL('ours');
  const home = await get(new URL('/', prepUrl));
  if (!isPage(home)) throw new Error(`ours: GET / answered ${home.status}: ${home.body.slice(0, 300)}`);
  mkdirSync(`${OUT}/static`, { recursive: true });
  writeFileSync(`${OUT}/static/index.html`, home.body);
  await prep.dispose();

  if (RUNS.scale) {
    step(`D1 of the scale case: migrations up to ${SEED_SCHEMA}, dev/seed.sql, bench/scale-seed.sql, later migrations, into bench/out/state`);
    const seedWorker = oursWorker(toml, { name: 'ours-scale', edgeTtl: '0', office: false, d1: 'bench-scale' });
    const seeding = miniflare([seedWorker]);
    try {
      await seeding.ready;
      const t = Date.now();
      const S = (results.scale = { seed: await seedScale(await seeding.getD1Database('DB', 'ours-scale'), ROOT, sqlStatements) });
      S.seed.total_seconds = Math.round((Date.now() - t) / 100) / 10;
      const r = S.seed.rows;
      log(`   bench/scale-seed.sql: ${S.seed.seed_statements} statements in ${fmt(S.seed.seed_seconds, 1)} s` +
        (S.seed.later_migrations.length ? `; later migrations (${S.seed.later_migrations.join(', ')}) in ${fmt(S.seed.later_migrations_seconds, 1)} s` : '') +
        `; the whole database in ${fmt(S.seed.total_seconds, 1)} s`);
      log(`   ${fmt(r.payments)} payments (${fmt(r.payments_refunded)} refunded in part or whole, ${fmt(r.disputes_lost)} lost disputes), ${fmt(r.pledges)} pledges (${fmt(r.monthly_pledges)} monthly), ` +
        `${fmt(r.webhook_events)} webhook events, ${fmt(r.comments)} comments (${fmt(r.threads)} threads)`);
      check('scale seed', r.payments === SEED_EXPECTS.payments && r.comments >= SEED_EXPECTS.comments, `${r.payments} payments, ${r.comments} comments`);
    } finally {
      await seeding.dispose();
    }
  }

  if (RUNS.full) {
    step(`cold start: ${CFG.coldStarts} fresh starts each of ours, peer and hello-world, alternating (one more each first, not counted)`);
    await coldStarts(toml);
  }

  const names = ['ours', 'ours-render', ...(hasOffice() ? ['office'] : []), ...(withPeer ? ['peer'] : []),
    ...(RUNS.scale ? ['ours-scale', 'peer-scale'] : []), 'limit-hello', 'limit-static'];
  step(`workerd: ${names.join(', ')} in one Miniflare, direct sockets`);
  const mf = miniflare([
    oursWorker(toml),
    oursWorker(toml, { name: 'ours-render', edgeTtl: '0' }),
    ...(hasOffice() ? [officeWorker(toml)] : []),
    ...(withPeer ? [peerWorker(toml)] : []),
    // The scale case: ours-render and the peer on the scale case's D1.
    ...(RUNS.scale ? [
      oursWorker(toml, { name: 'ours-scale', edgeTtl: '0', office: false, d1: 'bench-scale' }),
      peerWorker(toml, { name: 'peer-scale', d1: 'bench-scale' }),
    ] : []),
    helloWorker(toml),
    staticWorker(toml),
  ]);
  const t0 = Date.now();
  await mf.ready;
  const url = {};
  for (const w of names) url[w] = String(await mf.unsafeGetDirectURL(w));
  workerdPids = descendants(process.pid, 'workerd');
  log(`   ready in ${Date.now() - t0} ms; workerd pid(s) ${workerdPids.join(', ')}; ${Object.entries(url).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (workerdPids.length === 0) throw new Error('no workerd process found under this node process');
  results.workerd_pids = workerdPids;

  try {
    await run(mf, url, results);
  } finally {
    await mf.dispose();
  }
}
/**
 * The peer's visible text against ours for / and /km/ (or `paths`); a drifting peer is a
 * warning. `ours`, `peer`: which workers (ours-render and the peer unless named).
 */
async function fidelity(url, tag, { ours = 'ours-render', peer = 'peer', paths = { en: '/', km: '/km/' } } = {}) {
  const pages = {};
  for (const [key, path] of Object.entries(paths)) {
    pages[key] = { ours: await get(new URL(path, url[ours])), peer: await get(new URL(path, url[peer])) };
    check(`peer ${path}${tag ? ` (${tag})` : ''}`, isPage(pages[key].peer), `${pages[key].peer.status}, ${pages[key].peer.bytes} bytes`);
  }
  const same = (k) => visible(pages[k].ours.body) === visible(pages[k].peer.body);
  const f = { same_visible_text_en: same('en'), same_visible_text_km: same('km'), elements_ours: tags(pages.en.ours.body), elements_peer: tags(pages.en.peer.body) };
  const says = `${f.same_visible_text_en ? 'same' : 'DIFFERENT'} / ${f.same_visible_text_km ? 'same' : 'DIFFERENT'}; elements ${f.elements_ours} ours, ${f.elements_peer} peer`;
  log(`   ${f.same_visible_text_en && f.same_visible_text_km ? 'ok  ' : 'WARN'} peer shows the same text as ours (${paths.en} and ${paths.km}${tag ? `, ${tag}` : ''}): ${says}`);
  const file = `text-diff${tag ? '-' + tag.replace(/\W+/g, '-') : ''}.txt`;
  if (!f.same_visible_text_en || !f.same_visible_text_km) {
    warnings.push(`the peer's page does not show the same text as ours${tag ? ` (${tag})` : ''} (update bench/peer/src/index.jsx); see bench/out/${file}`);
    writeFileSync(`${OUT}/${file}`, ['en', 'km'].map((k) => `ours ${k}:\n${visible(pages[k].ours.body)}\n\npeer ${k}:\n${visible(pages[k].peer.body)}\n`).join('\n'));
  }
  return { ...f, pages };
}

/**
 * A commenter's own view: a comment posted through the form as a browser would (hidden fields
 * from the served page, the clock moved past the token's minimum age), held for moderation;
 * the `held` cookie it sets shows it to its author. Returns the cookie, or null (a warning).
 */
async function heldCookie(url) {
  const origin = new URL(url.ours).origin;
  const page = await get(url.ours);
  const form = /<form[^>]*id="comment-form"[^>]*>([\s\S]*?)<\/form>/.exec(page.body)?.[1];
  if (!form) return warn("commenter: ours / has no comment form (id=\"comment-form\"): the commenter's view is skipped"), null;
  const fields = new URLSearchParams();
  for (const input of form.match(/<input\b[^>]*>/g) ?? []) {
    const attr = (n) => new RegExp(`\\s${n}="([^"]*)"`).exec(input)?.[1];
    if (attr('type') === 'hidden' && attr('name')) fields.set(attr('name'), attr('value')?.replace(/&amp;/g, '&') ?? '');
  }
  const words = `Held for moderation, written by the bench ${Date.now().toString(36)}`;
  fields.set('homepage', '');
  fields.set('name', 'Bench commenter');
  fields.set('website', '');
  fields.set('text', words);
  const r = await fetch(new URL('/comments', url.ours), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin, 'CF-Connecting-IP': COMMENTER_IP, 'X-Test-Clock-Offset': '10' },
    body: fields.toString(),
  });
  const answer = await r.text();
  const cookie = r.headers.getSetCookie().map((c) => /^held=([^;]*)/.exec(c)?.[1]).find((v) => v);
  const C = (results.commenter = { posted_fields: [...fields.keys()], post_status: r.status, location: r.headers.get('location'), cookie_set: !!cookie });
  if (!cookie) return warn(`commenter: POST /comments answered ${r.status} without a held cookie (${answer.slice(0, 120).replace(/\s+/g, ' ')}): the commenter's view is skipped`), null;
  const view = await get(url.ours, { Cookie: `held=${cookie}` });
  C.view_status = view.status;
  C.view_x_edge_cache = view.headers.get('x-edge-cache');
  C.view_shows_comment = view.body.includes(words);
  log(`   ${C.view_shows_comment ? 'ok  ' : 'WARN'} commenter: POST /comments ${r.status} (held cookie set); / with it: ${view.status}, ${view.bytes} bytes, x-edge-cache ${C.view_x_edge_cache ?? 'none'}, ${C.view_shows_comment ? 'shows' : 'does NOT show'} the held comment`);
  if (!C.view_shows_comment) return warn("commenter: / with the held cookie does not show the held comment: the commenter's view is skipped"), null;
  return `held=${cookie}`;
}

/**
 * `n` requests to `url`, one at a time with workerd idle before each: wall time and workerd's
 * CPU (utime+stime, all threads; 10 ms ticks) of each, and their medians.
 */
async function probe(label, url, n) {
  const runs = [];
  for (let k = 0; k < n; k++) {
    await drain();
    const w0 = ticksOf(workerdPids);
    const t0 = process.hrtime.bigint();
    const r = await fetch(url, { redirect: 'manual' });
    const body = await r.text();
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = ((ticksOf(workerdPids) - w0) * 1000) / CLK_TCK;
    runs.push({ status: r.status, bytes: Buffer.byteLength(body), wall_ms: Math.round(wall), cpu_ms: Math.round(cpu) });
  }
  const p = { label, url, runs, wall_ms: spread(runs.map((r) => r.wall_ms)), cpu_ms: spread(runs.map((r) => r.cpu_ms)) };
  log(`   ${label}: ${fmt(p.wall_ms.median)} ms, workerd CPU ${fmt(p.cpu_ms.median)} ms (${runs.map((r) => r.status).join(', ')})`);
  if (runs.some((r) => r.status !== 200)) check(label, false, `answered ${runs.map((r) => r.status).join(', ')}`);
  return p;
}

/**
 * The scale case (issue #29 §1): ours-render on the seed data beside ours and the peer on the
 * scale case's D1 (edge cache off), page 1 and a deep page of comments, rendered and the page
 * statement alone, in alternating rounds. The target compares ours at scale with ours on the
 * seed data; ours/peer at scale is printed beside it.
 */
async function scaleCase(mf, url) {
  const deep = CFG.scalePage;
  const S = results.scale;
  step(`scale case: ${fmt(S.seed.rows.payments)} payments, ${fmt(S.seed.rows.comments)} comments; page 1 and page ${deep}, rendered and the page statement alone`);
  const at = (w, path) => new URL(path, url[w]).toString();
  // As the product leaves the database (it never runs ANALYZE or PRAGMA optimize), SQLite plans
  // without statistics: a few requests, timed one at a time (too slow for wrk).
  if (CFG.scaleProbes > 0) {
    log(`  without the planner's statistics: ${CFG.scaleProbes} request(s) each, one at a time`);
    S.no_stats = {};
    for (const [key, w, path] of [['ours_rendered', 'ours-scale', '/'], ['peer_rendered', 'peer-scale', '/'], ['ours_d1', 'ours-scale', '/__bench/d1'], ['peer_d1', 'peer-scale', '/_bench/d1']]) {
      S.no_stats[key] = await probe(`${w} ${path}`, at(w, path), CFG.scaleProbes);
    }
  }
  const db = await mf.getD1Database('DB', 'ours-scale');
  const t = Date.now();
  await db.prepare('PRAGMA optimize').run();
  S.optimize_ms = Date.now() - t;
  S.stat1_rows = (await db.prepare('SELECT COUNT(*) AS n FROM sqlite_stat1').first()).n;
  log(`   PRAGMA optimize on the scale case's D1 (as D1's documentation advises after creating indexes): ${S.optimize_ms} ms, ${S.stat1_rows} rows in sqlite_stat1; every figure below is with these statistics`);
  for (const [w, path] of [['ours-scale', '/'], ['ours-scale', `/?page=${deep}`], ['peer-scale', '/'], ['peer-scale', `/?page=${deep}`]]) {
    const r = await get(at(w, path));
    check(`${w} ${path}`, isPage(r), `${r.status}, ${r.bytes} bytes${r.status === 303 ? ` (past the last page: ${r.headers.get('location')}; set BENCH_SCALE_PAGE lower)` : ''}`);
  }
  const fid = await fidelity(url, 'scale', { ours: 'ours-scale', peer: 'peer-scale', paths: { en: '/', km: `/km/?page=${deep}` } });
  delete fid.pages;
  S.peer_fidelity = fid;
  // Both statements count the same comments: the same figures read from the same rows.
  S.statement_answers = {};
  for (const [key, q] of [['page1', ''], ['deep', `?page=${deep}`]]) {
    const o = await get(at('ours-scale', `/__bench/d1${q}`));
    const p = await get(at('peer-scale', `/_bench/d1${q}`));
    S.statement_answers[key] = { ours: o.body, peer: p.body };
    check(`ours-scale /__bench/d1${q} and peer-scale /_bench/d1${q}`, o.status === 200 && p.status === 200, `${o.status} (${o.body.slice(0, 40)} comments), ${p.status} (${p.body.slice(0, 40)} comments)`);
    if (o.body !== p.body) warn(`scale case: ours counts ${o.body.slice(0, 40)} comments, the peer ${p.body.slice(0, 40)} (page statements that differ)`);
  }

  // Slow requests: fewer connections (the same for every case of the series), a longer timeout,
  // and workerd idle before each run.
  const slow = { connections: Math.min(CFG.scaleConnections, CFG.connections), timeoutSec: 60, settle: true, seconds: Math.max(CFG.seconds, CFG.scaleSeconds) };
  log(`  scale case, rendered (edge cache off): ours on the seed data, ours and the peer at scale, page 1 and page ${deep}; wrk -c${slow.connections}`);
  await series([
    { key: 'ours_seed_rendered', label: 'ours-render / (seed data)', url: url['ours-render'], ...slow },
    { key: 'ours_scale_rendered', label: 'ours-scale /', url: url['ours-scale'], ...slow },
    { key: 'peer_scale_rendered', label: 'peer-scale /', url: url['peer-scale'], ...slow },
    { key: 'ours_scale_deep', label: `ours-scale /?page=${deep}`, url: at('ours-scale', `/?page=${deep}`), ...slow },
    { key: 'peer_scale_deep', label: `peer-scale /?page=${deep}`, url: at('peer-scale', `/?page=${deep}`), ...slow },
  ]);
  log(`  scale case, the page statement alone: ours on the seed data, ours and the peer at scale, page 1 and page ${deep}; wrk -c${slow.connections}`);
  await series([
    { key: 'ours_seed_d1', label: 'ours-render /__bench/d1 (seed data)', url: at('ours-render', '/__bench/d1'), ...slow },
    { key: 'ours_scale_d1', label: 'ours-scale /__bench/d1', url: at('ours-scale', '/__bench/d1'), ...slow },
    { key: 'peer_scale_d1', label: 'peer-scale /_bench/d1', url: at('peer-scale', '/_bench/d1'), ...slow },
    { key: 'ours_scale_d1_deep', label: `ours-scale /__bench/d1?page=${deep}`, url: at('ours-scale', `/__bench/d1?page=${deep}`), ...slow },
    { key: 'peer_scale_d1_deep', label: `peer-scale /_bench/d1?page=${deep}`, url: at('peer-scale', `/_bench/d1?page=${deep}`), ...slow },
  ]);
  // Ours at scale against ours on the seed data (the target: rendered page 1), and ours/peer.
  compare('scale_vs_seed', 'ours at scale / ours on the seed data: rendered /', 'ours_scale_rendered', 'ours_seed_rendered');
  compare('scale_deep_vs_seed', `ours at scale / ours on the seed data: rendered /?page=${deep} against /`, 'ours_scale_deep', 'ours_seed_rendered');
  compare('scale_d1_vs_seed', 'ours at scale / ours on the seed data: the page statement alone, page 1', 'ours_scale_d1', 'ours_seed_d1');
  compare('scale_d1_deep_vs_seed', `ours at scale / ours on the seed data: the page statement alone, page ${deep} against page 1`, 'ours_scale_d1_deep', 'ours_seed_d1');
  compare('scale_rendered', 'scale case, rendered /: ours/peer', 'ours_scale_rendered', 'peer_scale_rendered');
  compare('scale_deep', `scale case, rendered /?page=${deep}: ours/peer`, 'ours_scale_deep', 'peer_scale_deep');
  compare('scale_d1', 'scale case, the page statement alone, page 1: ours/peer', 'ours_scale_d1', 'peer_scale_d1');
  compare('scale_d1_deep', `scale case, the page statement alone, page ${deep}: ours/peer`, 'ours_scale_d1_deep', 'peer_scale_d1_deep');
}

/** Page data the product never had on the seed: updates, a removed comment, monthly donors. */
const EXTRA_DATA = [
  `INSERT INTO updates (title_en, body_en, title_km, body_km, status, published_at, created_at, updated_at) VALUES
   ('Radio hours, paid', 'Your gifts paid for 12 hours of women''s radio (see https://example.org/report.). Thank you!

A second paragraph (https://example.org/a_(b)) and https://example.org/x, not xhttps://example.org.', NULL, NULL, 'published', 1795861845, 1795861000, 1795861845),
   (NULL, NULL, 'ការបណ្ដុះបណ្ដាល', 'ស្ត្រី ២៥ នាក់ https://example.org/km', 'published', 1795900000, 1795900000, 1795900000),
   ('A draft', 'Not shown', NULL, NULL, 'draft', NULL, 1795900001, 1795900001)`,
  `INSERT INTO comments (parent_id, thread_id, name, website, body, lang, status, is_campaign, created_at) VALUES
   (NULL, NULL, '', NULL, '', 'en', 'removed', 0, 1775100000)`,
  `UPDATE comments SET thread_id = id WHERE thread_id IS NULL`,
  `INSERT INTO comments (parent_id, thread_id, name, website, body, lang, status, is_campaign, created_at)
   SELECT id, id, 'A reader', 'https://example.org/me', 'A reply under a removed comment <b>kept</b> & shown', 'en', 'approved', 0, 1775200000
   FROM comments WHERE status = 'removed' AND created_at = 1775100000`,
  `INSERT INTO pledges (id, status, frequency, amount_cents, currency, tier, designation, name, show_name, lang, created_at, paid_at) VALUES
   ('bm000000000000000000000000000001', 'active', 'month', 2500, 'usd', NULL, 'general', 'Sokha', 1, 'km', 1795800000, 1795800100),
   ('bm000000000000000000000000000002', 'active', 'month', 5000, 'usd', 'women-radio', 'women-radio', 'Not shown', 0, 'en', 1795800000, 1795800200)`,
  `INSERT INTO payments (scheme, ref, pledge_id, amount_cents, currency, refunded_cents, paid_at) VALUES
   ('stripe', 'pi_bench_m1', 'bm000000000000000000000000000001', 2500, 'usd', 0, 1795800100),
   ('stripe', 'pi_bench_m2', 'bm000000000000000000000000000002', 5000, 'usd', 0, 1795800200)`,
];

async function run(mf, url, results) {
  step('checks: every case answers what it should');
  const rendered = await get(url['ours-render']);
  check('ours-render / (edge cache off: rendered with its D1 read)', isPage(rendered) && !rendered.headers.get('x-edge-cache'), `${rendered.status}, ${rendered.bytes} bytes, x-edge-cache ${rendered.headers.get('x-edge-cache') ?? 'none'}`);
  await get(url.ours); // fills the edge cache
  const cached = await get(url.ours);
  check('ours / from the edge cache', cached.status === 200 && cached.headers.get('x-edge-cache') === 'hit', `${cached.status}, x-edge-cache ${cached.headers.get('x-edge-cache')}`);
  const hello = await get(url['limit-hello']);
  check('limit-hello', hello.status === 200 && hello.body === 'Hello World!', `${hello.status}, ${hello.bytes} bytes`);
  const stat0 = await get(url['limit-static']);
  const staticSame = stat0.body === readFileSync(`${OUT}/static/index.html`, 'utf8');
  check('limit-static / is the HTML of ours /', stat0.status === 200 && staticSame, `${stat0.status}, ${stat0.bytes} bytes, ${stat0.headers.get('content-type')}`);
  const all = CFG.cases === 'all';
  let pages = { en: { ours: rendered, peer: rendered }, km: { ours: await get(new URL('/km/', url['ours-render'])), peer: rendered } };
  if (all) {
    const fid = await fidelity(url, '');
    pages = fid.pages;
    delete fid.pages;
    results.peer_fidelity = { seed: fid };
  }

  // Rendering alone: ours' loopback-only entry (page data read from D1 once per isolate).
  const renderOnly = {};
  for (const [key, path, peerPath] of RUNS.seed ? [['en', '/__bench/render', '/_bench/render'], ['km', '/km/__bench/render', '/km/_bench/render']] : []) {
    const o = await get(new URL(path, url['ours-render']));
    const p = await get(new URL(peerPath, url.peer));
    check(`peer ${peerPath}`, isPage(p), `${p.status}, ${p.bytes} bytes`);
    if (!isPage(o)) {
      const why = o.status === 404 ? 'the worker has no such route yet (404)' : `it answered ${o.status}`;
      warn(`ours ${path}: ${why}; the rendering-alone case ${key === 'en' ? '/' : '/km/'} is skipped`);
      results.skipped[`render_only_${key}`] = `ours ${path}: ${why}`;
      continue;
    }
    const same = visible(o.body) === visible(pages[key].ours.body);
    log(`   ${same ? 'ok  ' : 'WARN'} ours ${path}: ${o.status}, ${o.bytes} bytes, ${same ? 'the same text as' : 'NOT the same text as'} ${key === 'en' ? '/' : '/km/'}`);
    if (!same) warnings.push(`ours ${path} does not show the same text as ${key === 'en' ? '/' : '/km/'} rendered`);
    renderOnly[key] = { ours: new URL(path, url['ours-render']).toString(), peer: new URL(peerPath, url.peer).toString() };
  }

  let held = null;
  if (RUNS.cached) {
    step("commenter: a held comment posted through ours' form, its cookie kept");
    held = await heldCookie(url);
    if (!held) results.skipped.ours_commenter = 'no held cookie, or the page with it did not show the held comment (see warnings)';
  }

  const wasm = readFileSync(`${BUILD}/index_bg.wasm`);
  results.sizes = {
    ...results.sizes,
    wasm_bytes: wasm.length,
    wasm_gzip_bytes: gz(wasm),
    // GNU gzip -9 (what `gzip -9c build/site/index_bg.wasm | wc -c` says), a few KB under zlib's.
    wasm_gnu_gzip_bytes: gnuGzipBytes(`${BUILD}/index_bg.wasm`),
    index_js_bytes: statSync(`${BUILD}/index.js`).size,
    home_html_bytes: pages.en.ours.bytes,
    home_html_gzip_bytes: gz(pages.en.ours.body),
    home_km_html_bytes: pages.km.ours.bytes,
    home_km_html_gzip_bytes: gz(pages.km.ours.body),
    peer_html_bytes: pages.en.peer.bytes,
    peer_html_gzip_bytes: gz(pages.en.peer.body),
  };
  if (hasOffice()) {
    const office = readFileSync(`${OFFICE}/index_bg.wasm`);
    Object.assign(results.sizes, { office_wasm_bytes: office.length, office_wasm_gzip_bytes: gz(office), office_index_js_bytes: statSync(`${OFFICE}/index.js`).size });
  }

  step(`load: wrk -t1 -c${CFG.connections}, ${CFG.warmup} s warm-up then ${CFG.seconds} s per run; ${CFG.rounds} alternating rounds per comparison`);
  const C = results.cases;
  const at = (base, path) => new URL(path, base).toString();
  await single('limit_hello', 'limit: hello world', { url: url['limit-hello'] });

  if (RUNS.seed) {
  log('  rendered / with its D1 read: ours-render (edge cache off) against the peer');
  await series([
    { key: 'ours_rendered', label: 'ours-render /', url: url['ours-render'] },
    { key: 'peer_rendered', label: 'peer /', url: url.peer },
  ]);
  compare('rendered_en', 'rendered / (D1 read + render)', 'ours_rendered', 'peer_rendered');

  log('  rendered /km/ with its D1 read');
  await series([
    { key: 'ours_rendered_km', label: 'ours-render /km/', url: at(url['ours-render'], '/km/') },
    { key: 'peer_rendered_km', label: 'peer /km/', url: at(url.peer, '/km/') },
  ]);
  compare('rendered_km', 'rendered /km/ (D1 read + render)', 'ours_rendered_km', 'peer_rendered_km');

  for (const [key, path] of [['en', '/'], ['km', '/km/']]) {
    if (!renderOnly[key]) continue;
    log(`  rendering alone, ${path}: page data read from D1 once per isolate, rendered per request`);
    await series([
      { key: `ours_render_only_${key}`, label: `ours-render ${new URL(renderOnly[key].ours).pathname}`, url: renderOnly[key].ours },
      { key: `peer_render_only_${key}`, label: `peer ${new URL(renderOnly[key].peer).pathname}`, url: renderOnly[key].peer },
    ]);
    compare(`render_only_${key}`, `rendering alone ${path} (no D1)`, `ours_render_only_${key}`, `peer_render_only_${key}`);
  }

  }

  if (RUNS.cached) {
    log("  served from the edge cache, against the static asset; and a commenter's view (held cookie, cache on)");
    await series([
      { key: 'ours_cached', label: 'ours / (edge cache)', url: url.ours },
      { key: 'limit_static', label: 'limit: static asset', url: url['limit-static'] },
      ...(held ? [{ key: 'ours_commenter', label: 'ours / as a commenter (held cookie)', url: url.ours, headers: { Cookie: held } }] : []),
    ]);
    compare('cached_static', 'ours / from the edge cache against the static asset', 'ours_cached', 'limit_static');
    const after = await get(url.ours);
    check('ours / still served from the edge cache after the runs', after.headers.get('x-edge-cache') === 'hit', `x-edge-cache ${after.headers.get('x-edge-cache')}`);
  }

  // Where the time goes: the page statement alone, read and decoded (a target), and the worker
  // without D1 (a diagnostic).
  if (RUNS.seed) {
    log('  the page statement alone (seed data): ours /__bench/d1 against the peer /_bench/d1');
    await series([
      { key: 'ours_d1', label: 'ours /__bench/d1', url: at(url['ours-render'], '/__bench/d1') },
      { key: 'peer_d1', label: 'peer /_bench/d1', url: at(url.peer, '/_bench/d1') },
    ]);
    compare('d1', 'the page statement alone (seed data)', 'ours_d1', 'peer_d1');
  }
  await single('diag_ours_healthz', 'diag: ours /healthz (wasm, router, headers; no D1)', { url: at(url.ours, '/healthz') });

  if (RUNS.scale) await scaleCase(mf, url);

  for (const [k, c] of Object.entries(C)) {
    for (const r of c.runs) if (r.non2xx || r.socket_errors) check(`${k} under load${r.round ? ` (round ${r.round})` : ''}`, false, `${r.non2xx} non-2xx, ${r.socket_errors} socket errors of ${r.requests}`);
  }

  if (RUNS.webhook) {
    step(`webhook: signed Stripe deliveries for pending pledges, verified and stored; ${CFG.rounds} runs`);
    C.webhook = await webhooks(mf, url);
  }

  if (CFG.lighthouse) {
    step('Lighthouse 12 (mobile preset) with /usr/bin/chromium, against ours (edge cache on)');
    for (const [key, path] of [['en', '/'], ['km', '/km/']]) {
      const target = new URL(path, url.ours).toString();
      let r = await lighthouse({ root: ROOT, url: target, outFile: `${OUT}/lighthouse-${key}.json` });
      if (r.error) {
        log(`   ${path}: retrying after: ${r.error.split('\n')[0]}`);
        r = await lighthouse({ root: ROOT, url: target, outFile: `${OUT}/lighthouse-${key}.json` });
      }
      results.lighthouse[path] = r;
      if (r.error) {
        check(`lighthouse ${path}`, false, r.error.split('\n')[0]);
        continue;
      }
      log(`   ${path}: ${Object.entries(r.scores).map(([k, v]) => `${k} ${v}`).join(', ')}` +
        ` (FCP ${fmt(r.metrics_ms.fcp)} ms, LCP ${fmt(r.metrics_ms.lcp)} ms, TBT ${fmt(r.metrics_ms.tbt)} ms, CLS ${fmt(r.metrics_ms.cls, 3)})`);
      for (const [cat, list] of Object.entries(r.failed)) {
        for (const a of list) log(`      ${cat}: ${a.id} (score ${a.score}${a.value ? `, ${a.value}` : ''}${a.weight ? '' : ', weight 0: does not count'}): ${a.title}`);
      }
    }
  }

  if (all) {
    step('peer fidelity beyond the seed: updates, a removed comment with a reply, monthly donors, the webhook\'s gifts');
    const db = await mf.getD1Database('DB', 'ours');
    for (const sql of EXTRA_DATA) await db.prepare(sql).run();
    const extra = await fidelity(url, 'more data');
    delete extra.pages;
    results.peer_fidelity.more_data = extra;
  }

  // ---- ratios and targets ----
  const K = results.comparisons;
  const R = results.ratios;
  const med = (x) => x?.median ?? null;
  const ratio = (a, b) => (a && b ? Math.round((a / b) * 1000) / 1000 : null);
  R.rendered_ours_vs_peer_rps = med(K.rendered_en?.rps);
  R.rendered_ours_vs_peer_cpu = med(K.rendered_en?.cpu);
  R.rendered_ours_vs_peer_p50 = med(K.rendered_en?.p50);
  R.rendered_km_ours_vs_peer_rps = med(K.rendered_km?.rps);
  R.rendered_km_ours_vs_peer_cpu = med(K.rendered_km?.cpu);
  R.render_only_ours_vs_peer_cpu = med(K.render_only_en?.cpu);
  R.render_only_km_ours_vs_peer_cpu = med(K.render_only_km?.cpu);
  R.cached_ours_vs_static_rps = med(K.cached_static?.rps);
  R.cached_ours_vs_static_cpu = med(K.cached_static?.cpu);
  R.cached_ours_vs_hello_rps = ratio(C.ours_cached?.rps.median, C.limit_hello?.rps.median);
  R.rendered_ours_vs_static_rps = ratio(C.ours_rendered?.rps.median, C.limit_static?.rps.median);
  R.commenter_vs_rendered_rps = ratio(C.ours_commenter?.rps.median, C.ours_rendered?.rps.median);
  R.commenter_vs_cached_rps = ratio(C.ours_commenter?.rps.median, C.ours_cached?.rps.median);
  R.cold_start_own_wall = med(results.cold_start?.ratio.own_wall);
  R.cold_start_own_cpu = med(results.cold_start?.ratio.own_cpu);
  R.cold_start_raw_wall = med(results.cold_start?.ratio.raw_wall);
  R.d1_ours_vs_peer_cpu = med(K.d1?.cpu);
  R.scale_vs_seed_cpu = med(K.scale_vs_seed?.cpu);
  R.scale_vs_seed_rps = med(K.scale_vs_seed?.rps);
  R.scale_d1_vs_seed_cpu = med(K.scale_d1_vs_seed?.cpu);
  R.scale_ours_vs_peer_rps = med(K.scale_rendered?.rps);
  R.scale_ours_vs_peer_cpu = med(K.scale_rendered?.cpu);
  R.scale_deep_ours_vs_peer_cpu = med(K.scale_deep?.cpu);
  R.scale_d1_ours_vs_peer_cpu = med(K.scale_d1?.cpu);
  R.scale_d1_deep_ours_vs_peer_cpu = med(K.scale_d1_deep?.cpu);
  // Without statistics: the probe's CPU per request against ours on the seed data (wrk rounds).
  const NS = results.scale?.no_stats;
  R.scale_no_stats_vs_seed_cpu = ratio(NS?.ours_rendered.cpu_ms.median * 1000, C.ours_seed_rendered?.cpu_us_per_request.median);
  R.scale_no_stats_ours_vs_peer_cpu = ratio(NS?.ours_rendered.cpu_ms.median, NS?.peer_rendered.cpu_ms.median);
  R.scale_no_stats_d1_ours_vs_peer_cpu = ratio(NS?.ours_d1.cpu_ms.median, NS?.peer_d1.cpu_ms.median);

  const T = results.targets;
  const judge = (key, value, skipped) => {
    const t = TARGETS[key];
    const met = value === null || value === undefined ? null : t.min !== undefined ? value >= t.min : value <= t.max;
    T[key] = { ...t, value: value ?? null, met, ...(met === null ? { skipped: skipped ?? 'no figure' } : {}) };
  };
  judge('rendered_rps', R.rendered_ours_vs_peer_rps);
  judge('rendered_cpu', R.rendered_ours_vs_peer_cpu);
  judge('render_only_cpu', R.render_only_ours_vs_peer_cpu, results.skipped.render_only_en);
  judge('cold_start', R.cold_start_own_wall);
  judge('wasm_gzip_kb', Math.round(results.sizes.wasm_gzip_bytes / 100) / 10);
  if (results.sizes.wasm_gnu_gzip_bytes) T.wasm_gzip_kb.note = `zlib; GNU gzip -9: ${fmt(results.sizes.wasm_gnu_gzip_bytes / 1000, 1)} KB`;
  judge('cached_static_rps', R.cached_ours_vs_static_rps);
  judge('d1_cpu', R.d1_ours_vs_peer_cpu);
  judge('d1_cpu_scale', R.scale_d1_ours_vs_peer_cpu);
  judge('scale_cost', R.scale_vs_seed_cpu);
  judge('scale_cost_no_stats', R.scale_no_stats_vs_seed_cpu);
  judge('webhook_cpu', C.webhook?.cpu_us_per_request.median ?? null);
  if (T.webhook_cpu.met !== null) T.webhook_cpu.note = `${fmt(C.webhook.events_per_second, 0)} events/s`;
  if (CFG.lighthouse) {
    const lhScores = Object.values(results.lighthouse).flatMap((r) => (r.scores ? Object.values(r.scores) : [null]));
    T.lighthouse = { ...TARGETS.lighthouse, value: Math.min(...lhScores.map((s) => s ?? 0)), met: lhScores.length > 0 && lhScores.every((s) => s === 100) };
  }
}
/**
 * The webhook case: CFG.rounds runs of distinct signed `checkout.session.completed` deliveries,
 * each paying one pending pledge; CPU per event and events/s are the medians of the runs.
 */
async function webhooks(mf, url) {
  const db = await mf.getD1Database('DB', 'ours');
  // Deliveries enough for a run at 2,000 events/s (about 8 times what the worker does today):
  // wrk starts over when it runs out, and those repeats are answered as duplicates.
  const WARM = Math.max(500, Math.ceil(CFG.warmup * 2000));
  const MAIN = Math.max(3000, Math.ceil(CFG.seconds * 2000));
  const PER_ROUND = WARM + MAIN;
  const now = Math.floor(Date.now() / 1000);
  await db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
     INSERT INTO pledges (id, status, amount_cents, currency, tier, designation, lang, created_at)
     SELECT printf('be%030x', i), 'pending', 5000, 'usd', 'women-training', 'women-training', 'en', ?2 FROM n`,
  ).bind(CFG.rounds * PER_ROUND + 1, now).run();
  const pledgeId = (i) => 'be' + i.toString(16).padStart(30, '0');
  const deliveries = (prefix, from, count) => {
    const ts = Math.floor(Date.now() / 1000);
    const lines = [];
    for (let i = from; i < from + count; i++) {
      const n = String(i).padStart(6, '0');
      const body = JSON.stringify({
        id: `evt_bench_${prefix}${n}`, object: 'event', api_version: '2025-03-31.basil', created: ts - 2,
        data: { object: {
          id: `cs_bench_${n}`, object: 'checkout.session', amount_subtotal: 5000, amount_total: 5000,
          client_reference_id: pledgeId(i), currency: 'usd',
          customer_details: { address: { city: 'Phnom Penh', country: 'KH', line1: null, line2: null, postal_code: null, state: null }, email: 'donor@example.org', name: 'A donor', phone: null },
          livemode: false, metadata: { campaign: 'women-lead-cambodia' }, mode: 'payment',
          payment_intent: `pi_bench_${n}`, payment_method_types: ['card'], payment_status: 'paid', status: 'complete',
        } },
        livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type: 'checkout.session.completed',
      });
      const sig = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET, timestamp: ts });
      lines.push(sig, body);
    }
    return lines.join('\n') + '\n';
  };
  // One delivery by hand first: it must be accepted and stored.
  const probe = deliveries('p', CFG.rounds * PER_ROUND + 1, 1).split('\n');
  const pr = await fetch(new URL('/webhooks/stripe', url.ours), { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': probe[0] }, body: probe[1] });
  const prBody = await pr.text();
  check('ours POST /webhooks/stripe with a signed delivery', pr.status === 200 && prBody === 'applied', `${pr.status} ${prBody.slice(0, 100)}`);

  const script = `${ROOT}/bench/wrk/webhook.lua`;
  const label = 'webhook: POST /webhooks/stripe, checkout.session.completed';
  const count = async (sql, ...args) => (await db.prepare(sql).bind(...args).first()).n;
  const runs = [];
  for (let round = 1; round <= CFG.rounds; round++) {
    // Fresh deliveries for each run, signed just before it (a Stripe signature is good for
    // five minutes): the main set's events are `evt_bench_m<round>_…`.
    const first = (round - 1) * PER_ROUND + 1;
    writeFileSync(`${OUT}/webhooks-warmup.txt`, deliveries(`w${round}_`, first, WARM));
    const signedAt = Date.now();
    writeFileSync(`${OUT}/webhooks-main.txt`, deliveries(`m${round}_`, first + WARM, MAIN));
    log(`   [${round}/${CFG.rounds}] ${WARM} + ${MAIN} deliveries signed with stripe@${pkgVersion('stripe')} (${Date.now() - signedAt} ms for the main set)`);
    const profiling = PROFILE && round === 1 ? await Promise.all(['ours', 'office'].map(startProfile)) : null;
    const r = await measure(`[${round}/${CFG.rounds}] ${label}`, {
      url: url.ours, script,
      scriptEnv: { BENCH_WEBHOOKS: `${OUT}/webhooks-main.txt` },
      warmupEnv: { BENCH_WEBHOOKS: `${OUT}/webhooks-warmup.txt` },
    });
    if (profiling) {
      for (const [i, name] of ['ours', 'office'].entries()) {
        const p = await profiling[i].stop(`${OUT}/webhook-${name}.cpuprofile`);
        for (const line of profileSummary(`profile of ${name} (BENCH_PROFILE=1, round 1)`, p)) log(`   ${line}`);
      }
    }
    const like = `evt_bench_m${round}_*`;
    const stored = await count('SELECT COUNT(*) AS n FROM webhook_events WHERE event_id GLOB ?1', like);
    const applied = await count("SELECT COUNT(*) AS n FROM webhook_events WHERE event_id GLOB ?1 AND outcome = 'applied'", like);
    r.events_stored = stored;
    r.events_applied = applied;
    // Accepted per second: 2xx answers wrk saw within the run. The worker answers 200 only
    // after the event is in D1; D1 also holds the few still in flight when wrk stopped.
    r.events_accepted = r.requests - r.non2xx;
    r.events_per_second = r.seconds ? Math.round((r.events_accepted / r.seconds) * 10) / 10 : null;
    r.wrapped = r.requests > MAIN;
    log(`   ${r.events_accepted} accepted in ${fmt(r.seconds, 2)} s (${fmt(r.events_per_second, 0)} events/s); D1 holds ${stored} of these events, all ${applied === stored ? '' : 'NOT '}applied`);
    if (stored < r.events_accepted - (r.wrapped ? r.requests : 0) || applied !== stored) check(`webhook events stored (round ${round})`, false, `${r.events_accepted} accepted, ${stored} stored, ${applied} applied`);
    if (r.wrapped) log(`   note: wrk sent more requests than prepared deliveries; the extra ones were duplicates`);
    runs.push({ round, ...r });
  }
  const paid = await count("SELECT COUNT(*) AS n FROM pledges WHERE id LIKE 'be%' AND status = 'paid'");
  const c = summarize({ label, url: new URL('/webhooks/stripe', url.ours).toString(), runs });
  c.events_per_second = median(runs.map((r) => r.events_per_second));
  c.events_per_second_spread = spread(runs.map((r) => r.events_per_second));
  c.pledges_paid_total = paid;
  return c;
}

// ---- report ---------------------------------------------------------------------------------------

function report(results) {
  const C = results.cases;
  const K = results.comparisons;
  const T = results.targets;
  const range = (s, d = 0) => (s && s.n > 1 ? `${fmt(s.min, d)}–${fmt(s.max, d)}` : '');
  const row = (name, c, extra = '') => {
    if (!c) return;
    log(`  ${name.padEnd(40)} ${fmt(c.rps.median, 0).padStart(7)} ${range(c.rps).padEnd(13)} ${fmt(c.cpu_us_per_request.median, 0).padStart(6)} ${range(c.cpu_us_per_request).padEnd(13)} ${fmt(c.p50_ms.median, 2).padStart(6)} ${String(c.runs.length).padStart(4)} ${String(c.others_cpu_pct_max).padStart(5)}%  ${extra}`);
  };
  const met = (t) => (!t ? '' : t.met === null ? 'skipped' : t.met ? 'met' : 'MISSED');
  const line = '='.repeat(108);
  log(`\n${line}`);
  log(` make bench: ${results.generated}  (${results.machine.cores} cores, load ${results.machine.loadavg_start.join(' ')} at start; ` +
    `${results.config.rounds} rounds of ${results.config.wrk.seconds} s after ${results.config.wrk.warmup_seconds} s warm-up, wrk -c${results.config.wrk.connections})`);
  log(line);
  log(`  ${'case (median of its runs)'.padEnd(40)} ${'req/s'.padStart(7)} ${'min–max'.padEnd(13)} ${'CPU µs'.padStart(6)} ${'min–max'.padEnd(13)} ${'p50 ms'.padStart(6)} ${'runs'.padStart(4)} ${'others'.padStart(6)}`);
  log('  limits');
  row('  static asset, same HTML as /', C.limit_static);
  row('  hello world', C.limit_hello);
  log('  rendered with its D1 read (edge cache off)');
  row('  ours-render /', C.ours_rendered);
  row('  peer /', C.peer_rendered);
  row('  ours-render /km/', C.ours_rendered_km);
  row('  peer /km/', C.peer_rendered_km);
  log('  rendering alone (page data read once, no D1)');
  if (C.ours_render_only_en || C.ours_render_only_km) {
    row('  ours /__bench/render', C.ours_render_only_en);
    row('  peer /_bench/render', C.peer_render_only_en);
    row('  ours /km/__bench/render', C.ours_render_only_km);
    row('  peer /km/_bench/render', C.peer_render_only_km);
  }
  for (const [k, why] of Object.entries(results.skipped)) if (k.startsWith('render_only')) log(`    skipped ${k.endsWith('km') ? '/km/' : '/'}: ${why}`);
  log('  ours / for three visitors: anyone (edge cache on), a commenter (held cookie, cache on), rendered (cache off)');
  row('  ours / from the edge cache', C.ours_cached);
  row('  ours / as a commenter (held cookie)', C.ours_commenter, C.ours_commenter ? `(x-edge-cache ${results.commenter?.view_x_edge_cache ?? 'none'})` : '');
  if (results.skipped.ours_commenter) log(`    commenter's view skipped: ${results.skipped.ours_commenter}`);
  row('  ours-render / (as above)', C.ours_rendered);
  if (C.webhook) row('  webhook: signed events (req/s = all)', C.webhook, `${fmt(C.webhook.events_per_second, 0)} events/s stored (median)`);
  log('  where the time goes');
  row('  ours /__bench/d1 (the page statement)', C.ours_d1);
  row('  peer /_bench/d1 (the page statement)', C.peer_d1);
  row('  ours /healthz (no D1)', C.diag_ours_healthz);
  const SC = results.scale;
  if (C.ours_scale_rendered) {
    const r = SC.seed.rows;
    const deep = CFG.scalePage;
    log(`  scale case: ${fmt(r.payments)} payments, ${fmt(r.pledges)} pledges, ${fmt(r.comments)} comments (${fmt(r.threads)} threads); edge cache off`);
    row('  ours-render / (seed data)', C.ours_seed_rendered);
    row('  ours-scale /', C.ours_scale_rendered);
    row('  peer-scale /', C.peer_scale_rendered);
    row(`  ours-scale /?page=${deep}`, C.ours_scale_deep);
    row(`  peer-scale /?page=${deep}`, C.peer_scale_deep);
    row('  ours-render /__bench/d1 (seed data)', C.ours_seed_d1);
    row('  ours-scale /__bench/d1', C.ours_scale_d1);
    row('  peer-scale /_bench/d1', C.peer_scale_d1);
    row(`  ours-scale /__bench/d1?page=${deep}`, C.ours_scale_d1_deep);
    row(`  peer-scale /_bench/d1?page=${deep}`, C.peer_scale_d1_deep);
    log(`  (scale case: wrk -c${Math.min(CFG.scaleConnections, CFG.connections)}, ${Math.max(CFG.seconds, CFG.scaleSeconds)} s a run, after PRAGMA optimize; its D1 seeded in ${fmt(SC.seed.total_seconds, 1)} s)`);
    if (SC.no_stats) {
      log(`  scale case before PRAGMA optimize (no planner statistics), ${CFG.scaleProbes} request(s) one at a time:   wall ms   CPU ms`);
      for (const p of Object.values(SC.no_stats)) log(`    ${p.label.padEnd(40)} ${fmt(p.wall_ms.median).padStart(16)} ${fmt(p.cpu_ms.median).padStart(8)}`);
    }
  }
  log(`  (CPU µs = workerd utime+stime per request; p50 = wrk's median latency; "others" = the most CPU other processes used`);
  log(`   during one of the case's runs, % of one core: figures taken while others used a lot are not worth comparing)`);

  const ratioRow = (name, r, target, digits = 2) => {
    if (!r) return;
    log(`    ${name.padEnd(44)} ${fmt(r.median, digits).padStart(6)}  ${range(r, digits).padEnd(12)} ${target ?? ''}`);
  };
  const tgt = (key) => (T[key] ? `${T[key].min !== undefined ? '>=' : '<='} ${T[key].min ?? T[key].max}   ${met(T[key])}` : '');
  log('\n  ours/peer, median of the per-round ratios (min–max over the rounds)');
  ratioRow('rendered /: req/s', K.rendered_en?.rps, `target ${tgt('rendered_rps')}`);
  ratioRow('rendered /: CPU/request', K.rendered_en?.cpu, `target ${tgt('rendered_cpu')}`);
  ratioRow('rendered /: p50', K.rendered_en?.p50);
  ratioRow('rendered /km/: req/s', K.rendered_km?.rps);
  ratioRow('rendered /km/: CPU/request', K.rendered_km?.cpu);
  if (K.render_only_en) ratioRow('rendering alone /: CPU/request', K.render_only_en.cpu, `target ${tgt('render_only_cpu')}`);
  else log(`    ${'rendering alone /: CPU/request'.padEnd(44)} ${'-'.padStart(6)}  ${''.padEnd(12)} target <= 0.7   skipped`);
  ratioRow('rendering alone /km/: CPU/request', K.render_only_km?.cpu);
  ratioRow('cached ours / static asset: req/s', K.cached_static?.rps, `target ${tgt('cached_static_rps')}`);
  ratioRow('cached ours / static asset: CPU/request', K.cached_static?.cpu);
  log(`    ${'commenter / rendered, / cached: req/s'.padEnd(44)} ${fmt(results.ratios.commenter_vs_rendered_rps, 2).padStart(6)}, ${fmt(results.ratios.commenter_vs_cached_rps, 2)}   (medians; no target)`);
  ratioRow('the page statement alone: CPU/request', K.d1?.cpu, `target ${tgt('d1_cpu')}`);
  if (K.scale_vs_seed) {
    const deep = CFG.scalePage;
    log(`\n  scale case: ours at scale / ours on the seed data, median of the per-round ratios (min–max)`);
    ratioRow('rendered /: CPU/request', K.scale_vs_seed.cpu, `target ${tgt('scale_cost')}`);
    ratioRow('rendered /: req/s', K.scale_vs_seed.rps);
    ratioRow(`rendered /?page=${deep} against /: CPU/request`, K.scale_deep_vs_seed?.cpu);
    ratioRow('the page statement alone: CPU/request', K.scale_d1_vs_seed?.cpu);
    ratioRow(`the statement, page ${deep} against 1: CPU/request`, K.scale_d1_deep_vs_seed?.cpu);
    if (results.ratios.scale_no_stats_vs_seed_cpu !== null) {
      log(`    ${'before PRAGMA optimize, rendered /: CPU'.padEnd(44)} ${fmt(results.ratios.scale_no_stats_vs_seed_cpu, 0).padStart(6)}  ${''.padEnd(12)} target ${tgt('scale_cost_no_stats')}`);
    }
    log('  scale case: ours/peer at scale');
    ratioRow('rendered /: req/s', K.scale_rendered?.rps);
    ratioRow('rendered /: CPU/request', K.scale_rendered?.cpu);
    ratioRow(`rendered /?page=${deep}: req/s`, K.scale_deep?.rps);
    ratioRow(`rendered /?page=${deep}: CPU/request`, K.scale_deep?.cpu);
    ratioRow('the page statement alone: CPU/request', K.scale_d1?.cpu, `target ${tgt('d1_cpu_scale')}`);
    ratioRow(`the page statement alone, page ${deep}: CPU/req.`, K.scale_d1_deep?.cpu);
    const R = results.ratios;
    if (R.scale_no_stats_ours_vs_peer_cpu !== null) {
      log(`    ${'before PRAGMA optimize: rendered /, statement'.padEnd(44)} ${fmt(R.scale_no_stats_ours_vs_peer_cpu, 2).padStart(6)}, ${fmt(R.scale_no_stats_d1_ours_vs_peer_cpu, 2)}   (CPU, one request each)`);
    }
  }

  const CS = results.cold_start;
  if (CS?.summary) {
    log(`\n  cold start: a fresh workerd with one worker to its first response (median of ${CFG.coldStarts}; min–max)`);
    log(`    ${''.padEnd(8)} ${'time ms'.padStart(8)} ${''.padEnd(15)} ${'CPU ms'.padStart(7)} ${''.padEnd(11)} ${'minus hello: time'.padStart(18)} ${'CPU'.padStart(6)}`);
    for (const k of ['hello', 'peer', 'ours']) {
      const s = CS.summary[k];
      const m = CS.minus_hello[k];
      log(`    ${k.padEnd(8)} ${fmt(s.wall_ms.median, 1).padStart(8)} ${range(s.wall_ms, 1).padEnd(15)} ${fmt(s.cpu_ms.median, 0).padStart(7)} ${range(s.cpu_ms).padEnd(11)} ${m ? fmt(m.wall_ms.median, 1).padStart(18) : ''.padStart(18)} ${m ? fmt(m.cpu_ms.median, 0).padStart(6) : ''}`);
    }
    ratioRow('ours/peer, each minus hello: time', CS.ratio.own_wall, `target ${tgt('cold_start')}`);
    ratioRow('ours/peer, each minus hello: CPU', CS.ratio.own_cpu);
    ratioRow('ours/peer raw: time', CS.ratio.raw_wall);
    ratioRow('ours/peer raw: CPU', CS.ratio.raw_cpu);
  }

  const S = results.sizes;
  const kb = (b) => `${fmt(b / 1000, 1)} KB`;
  log('\n  sizes');
  if (S.wasm_bytes) log(`    wasm (visitor's worker)    ${kb(S.wasm_bytes)} raw, ${kb(S.wasm_gzip_bytes)} gzip -9   target <= 250 KB gzip   ${met(T.wasm_gzip_kb)}   (index.js ${kb(S.index_js_bytes)}${S.wasm_gnu_gzip_bytes ? `; GNU gzip -9: ${kb(S.wasm_gnu_gzip_bytes)}` : ''})`);
  if (S.office_wasm_bytes) log(`    wasm (office worker)       ${kb(S.office_wasm_bytes)} raw, ${kb(S.office_wasm_gzip_bytes)} gzip -9   (no target: maintainers only)`);
  if (S.home_html_bytes) log(`    /  (ours)                  ${kb(S.home_html_bytes)} raw, ${kb(S.home_html_gzip_bytes)} gzip -9   (/km/ ${kb(S.home_km_html_bytes)}, ${kb(S.home_km_html_gzip_bytes)} gzip)`);
  if (S.peer_html_bytes) log(`    /  (peer)                  ${kb(S.peer_html_bytes)} raw, ${kb(S.peer_html_gzip_bytes)} gzip -9   (peer bundle ${kb(S.peer_bundle_bytes)})`);

  if (Object.keys(results.lighthouse).length) {
    log('\n  Lighthouse (mobile)         perf  a11y  best-pr  seo');
    for (const [path, r] of Object.entries(results.lighthouse)) {
      if (r.error) { log(`    ${path.padEnd(26)} error: ${r.error.split('\n')[0]}`); continue; }
      const s = r.scores;
      log(`    ${path.padEnd(26)} ${String(s.performance).padStart(4)}  ${String(s.accessibility).padStart(4)}  ${String(s['best-practices']).padStart(7)}  ${String(s.seo).padStart(3)}`);
      for (const [cat, list] of Object.entries(r.failed)) for (const a of list) if (a.weight) log(`      below 1 in ${cat}: ${a.id}${a.value ? ` (${a.value})` : ''}`);
    }
  }

  const F = results.peer_fidelity;
  if (F) log(`\n  peer shows the same text as ours (/ and /km/): ${['seed', 'more_data'].filter((k) => F[k]).map((k) => `${k === 'seed' ? 'seed data' : 'with more data'} ${F[k].same_visible_text_en ? 'same' : 'DIFFERENT'} / ${F[k].same_visible_text_km ? 'same' : 'DIFFERENT'}`).join('; ')}`);

  log('\n  targets');
  for (const t of Object.values(T)) log(`    ${met(t).padEnd(8)} ${t.text}: ${t.value === null ? (t.skipped ?? '-') : fmt(t.value, t.digits ?? 2)}${t.note ? ` (${t.note})` : ''}`);
  if (warnings.length) {
    log('\n  warnings:');
    for (const w of warnings) log(`    - ${w}`);
  }
  if (problems.length) {
    log('\n  PROBLEMS (real errors, not speed):');
    for (const p of problems) log(`    - ${p}`);
  }
  log(`\n  took ${Math.round((Date.now() - started) / 1000)} s (waited ${Math.round(quietSpent)} s for other load); every run in ${RESULTS.slice(ROOT.length + 1)}, raw output in bench/out/`);
}

let results = null;
let exitCode = 0;
try {
  await main();
} catch (e) {
  console.error(`\nbench: ${e.stack || e}`);
  problems.push(String(e.message || e));
  exitCode = 1;
}
if (results) {
  results.machine.loadavg_end = loadavg();
  results.workerd_logs = workerdLogs;
  results.quiet_waited_seconds = Math.round(quietSpent);
  results.took_seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
  if (Object.keys(results.cases).length || results.cold_start) report(results);
}
if (problems.length) exitCode = 1;
process.exit(exitCode);
