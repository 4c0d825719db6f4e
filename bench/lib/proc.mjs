// CPU accounting from /proc: workerd's own time per request, and what else the machine was doing.

import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** `{ pid, ppid, comm, ticks }` of one process (utime + stime of all its threads), or null. */
export function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const f = s.slice(close + 2).split(' '); // f[0] is field 3 (state)
    // utime + stime; cutime + cstime are the children this process has waited for (wrk).
    return { pid, ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

function allStats() {
  const out = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) out.set(s.pid, s);
  }
  return out;
}

/** Every descendant of `root` whose name is `comm`. */
export function descendants(root, comm) {
  const stats = allStats();
  const children = new Map();
  for (const s of stats.values()) {
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(s.pid);
  }
  const found = [];
  const walk = (pid) => {
    for (const c of children.get(pid) ?? []) {
      if (stats.get(c).comm === comm) found.push(c);
      walk(c);
    }
  };
  walk(root);
  return found;
}

export function ticksOf(pids) {
  let t = 0;
  for (const pid of pids) t += stat(pid)?.ticks ?? 0;
  return t;
}

/** Busy and total jiffies of the whole machine (all CPUs), from /proc/stat. */
export function machineTicks() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] || 0); // idle + iowait
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal
  return { busy: total - idle, total };
}

export const cores = () => readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length || 1;

export function loadavg() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

/**
 * What the rest of the machine does over `ms`: busy share of all cores (percent of one core,
 * so 2 cores flat out is 200) excluding `mine`, and the busiest other processes.
 */
export async function othersBusy(ms, mine = []) {
  const skip = new Set(mine);
  const a = allStats();
  const m0 = machineTicks();
  await new Promise((r) => setTimeout(r, ms));
  const b = allStats();
  const m1 = machineTicks();
  const per = [];
  let mineTicks = 0;
  for (const [pid, s] of b) {
    const d = s.ticks - (a.get(pid)?.ticks ?? s.ticks);
    if (d <= 0) continue;
    if (skip.has(pid)) mineTicks += d;
    else per.push({ pid, comm: s.comm, pct: (d / CLK_TCK / (ms / 1000)) * 100 });
  }
  per.sort((x, y) => y.pct - x.pct);
  const elapsed = (m1.total - m0.total) || 1;
  const ncores = cores();
  const allPct = ((m1.busy - m0.busy) / elapsed) * 100 * ncores;
  const minePct = (mineTicks / CLK_TCK / (ms / 1000)) * 100;
  return {
    pct: Math.max(0, Math.round(allPct - minePct)),
    top: per.slice(0, 4).map((p) => ({ ...p, pct: Math.round(p.pct) })),
  };
}
