// Medians and spreads of repeated runs, and the ratios of alternating rounds.

/** The median of the numbers in `xs` (nulls dropped); null when there is none. */
export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** `{ median, min, max, n }` of the numbers in `xs` (nulls dropped). */
export function spread(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return { median: null, min: null, max: null, n: 0 };
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

const round3 = (x) => Math.round(x * 1000) / 1000;

/**
 * The ratio a[i]/b[i] of each round (null where either is missing or b is not positive), with
 * its median and spread: a comparison made of alternating runs is read round by round, so a
 * machine that slows down for a while slows both sides of the rounds it touches.
 */
export function ratios(a, b) {
  const per_round = a.map((x, i) => {
    const y = b[i];
    return typeof x === 'number' && typeof y === 'number' && y > 0 ? round3(x / y) : null;
  });
  const s = spread(per_round);
  return { per_round, ...s, median: s.median === null ? null : round3(s.median) };
}
