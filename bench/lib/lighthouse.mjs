// Lighthouse (the pinned npm CLI, default mobile preset) with Debian's chromium.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const CHROME_FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

export function lighthouse({ root, url, outFile, chromePath = '/usr/bin/chromium', timeoutMs = 150_000 }) {
  const cli = `${root}/node_modules/lighthouse/cli/index.js`;
  const args = [
    cli, url,
    '--output=json', `--output-path=${outFile}`,
    `--only-categories=${CATEGORIES.join(',')}`,
    `--chrome-flags=${CHROME_FLAGS.join(' ')}`,
    '--quiet',
  ];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, CHROME_PATH: chromePath }, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) return resolve({ error: `${err.message}\n${stderr}`.trim().slice(0, 2000) });
      try {
        resolve(summarize(JSON.parse(readFileSync(outFile, 'utf8'))));
      } catch (e) {
        resolve({ error: `could not read ${outFile}: ${e.message}` });
      }
    });
  });
}

function summarize(lhr) {
  const scores = {};
  const failed = {};
  for (const id of CATEGORIES) {
    const cat = lhr.categories[id];
    scores[id] = cat && cat.score !== null ? Math.round(cat.score * 100) : null;
    failed[id] = [];
    for (const ref of cat?.auditRefs ?? []) {
      const a = lhr.audits[ref.id];
      if (!a || a.score === null || a.score >= 1) continue;
      if (a.scoreDisplayMode === 'informative' || a.scoreDisplayMode === 'notApplicable' || a.scoreDisplayMode === 'manual') continue;
      failed[id].push({ id: ref.id, score: a.score, weight: ref.weight, title: a.title, value: a.displayValue ?? null });
    }
  }
  const m = (id) => lhr.audits[id]?.numericValue ?? null;
  return {
    lighthouse: lhr.lighthouseVersion,
    userAgent: lhr.environment?.hostUserAgent ?? null,
    formFactor: lhr.configSettings?.formFactor,
    throttling: lhr.configSettings?.throttlingMethod,
    scores,
    failed,
    metrics_ms: {
      fcp: m('first-contentful-paint'),
      lcp: m('largest-contentful-paint'),
      tbt: m('total-blocking-time'),
      si: m('speed-index'),
      cls: m('cumulative-layout-shift'),
    },
    runWarnings: lhr.runWarnings ?? [],
  };
}
