/** Small numeric helpers shared by the runner and the suites. */

/** The median of a list of numbers (mean of the middle two for an even count). */
export function median(samples) {
  if (!samples.length) throw new Error('median of no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Runs `fn` (sync or async) `runs` times in a row after `warmup` untimed runs
 * and returns wall times in milliseconds: { median, min, max, samples, last }
 * (`last` is the value the final run returned, for sanity checks).
 */
export async function time(fn, runs = 5, { warmup = 0 } = {}) {
  let last;
  for (let i = 0; i < warmup; i++) last = await fn(i);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await fn(i);
    samples.push(performance.now() - t0);
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples, last };
}

/**
 * Does `value` meet `goal`? Goals are '<= 10', '< 100', '>= 0.95', '> 1' or
 * 'report' (no verdict). Returns 'pass', 'fail', 'report' or 'skip' (no value).
 */
export function verdict(value, goal) {
  if (value === null || value === undefined || Number.isNaN(value)) return 'skip';
  if (!goal || goal === 'report') return 'report';
  const m = /^\s*(<=|>=|<|>|==)\s*(-?[\d.]+(?:e-?\d+)?)\s*$/i.exec(goal);
  if (!m) throw new Error(`cannot parse goal "${goal}"`);
  const target = Number(m[2]);
  const ok = { '<=': value <= target, '>=': value >= target, '<': value < target, '>': value > target, '==': value === target }[m[1]];
  return ok ? 'pass' : 'fail';
}

/** Rounds to `digits` significant digits, keeping integers whole (for results.json). */
export function round(value, digits = 4) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  if (Math.abs(value) >= 10 ** digits) return Math.round(value);
  return Number(value.toPrecision(digits));
}
