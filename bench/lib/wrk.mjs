// Runs wrk (one thread, fixed concurrency) and reads its report.

import { spawn } from 'node:child_process';

/** wrk's "1.23ms" / "456.00us" / "1.02s" as milliseconds. */
export function toMs(s) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s.trim());
  if (!m) return null;
  const v = Number(m[1]);
  return { us: v / 1000, ms: v, s: v * 1000, m: v * 60000 }[m[2]];
}

export function parseWrk(out) {
  const num = (re) => {
    const m = re.exec(out);
    return m ? Number(m[1]) : null;
  };
  const lat = (pct) => {
    const m = new RegExp(`^\\s*${pct}%\\s+(\\S+)`, 'm').exec(out);
    return m ? toMs(m[1]) : null;
  };
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(out);
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50_ms: lat(50),
    p90_ms: lat(90),
    p99_ms: lat(99),
    requests: done ? Number(done[1]) : null,
    seconds: done ? toMs(done[2] + done[3]) / 1000 : null,
    non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
    socket_errors: errs ? errs.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0,
  };
}

/** Runs `wrk -t1 -c<connections> -d<seconds>s --latency`; resolves with the parsed report. */
export function wrk({ url, seconds, connections = 8, headers = {}, script, env = {}, timeoutSec = 5 }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, `--timeout`, `${timeoutSec}s`, '--latency'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  if (script) args.push('-s', script);
  args.push(url);
  return new Promise((resolve, reject) => {
    const p = spawn('wrk', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${err || out}`));
      resolve({ ...parseWrk(out), raw: out, command: ['wrk', ...args].join(' ') });
    });
  });
}
