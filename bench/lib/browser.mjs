import chromiumFlags from '../../e2e/support/chromium-flags.json' with { type: 'json' };

/**
 * Headless Chromium (the system one, same flags as e2e) on the bench harness
 * page, served by the bench's dev server.
 */
const CHROMIUM_ARGS = chromiumFlags.args;

/** The system Chromium (CHROMIUM_PATH or /usr/bin/chromium), headless, with the e2e flags. */
export async function launchChromium() {
  const { chromium } = await import('@playwright/test');
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function isNavigationError(err) {
  return /Execution context was destroyed|navigat|Target page, context or browser has been closed|frame was detached/i.test(
    String(err?.message ?? err),
  );
}

/**
 * Launches Chromium and opens /bench/harness.html?preload=... . Resolves once the
 * page has imported `preload` and stayed put for `settleMs`: when Vite finds a
 * dependency it had not pre-bundled it re-optimizes and reloads the page, and a
 * reload in the middle of a timed evaluate would kill it.
 */
export async function openBrowser({ origin, preload = [], log = console.log, settleMs = 750, waitIdle }) {
  const browser = await launchChromium();
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  const pageErrors = [];
  page.on('pageerror', (err) => {
    pageErrors.push(err.message);
    log(`  [page error] ${err.message}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' || process.env.BENCH_VERBOSE) log(`  [page ${msg.type()}] ${msg.text()}`);
  });
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });

  const url = `${origin}/bench/harness.html?preload=${encodeURIComponent(preload.join(','))}`;

  /** Waits for benchReady, then until no navigation happened for settleMs. */
  const ready = async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const before = navigations;
      try {
        await page.waitForFunction(() => window.benchReady === true || typeof window.benchError === 'string', null, {
          timeout: 60_000,
        });
        const error = await page.evaluate(() => window.benchError);
        if (error) throw new Error(`bench harness failed to load: ${error}`);
        await waitIdle?.();
        await sleep(settleMs);
        if (navigations === before && (await page.evaluate(() => window.benchReady === true))) return;
      } catch (err) {
        if (!isNavigationError(err)) throw err;
      }
      log(`  (harness page reloaded, probably Vite re-optimizing dependencies; waiting again)`);
    }
    throw new Error('the harness page kept reloading');
  };

  await page.goto(url);
  await ready();

  const version = browser.version();
  const isolated = await page.evaluate(() => self.crossOriginIsolated);

  /**
   * page.evaluate that survives one unexpected reload: it waits for the page to
   * be ready again and re-runs `fn` (which therefore must be safe to repeat).
   */
  const evaluate = async (fn, arg) => {
    try {
      return await page.evaluate(fn, arg);
    } catch (err) {
      if (!isNavigationError(err)) throw err;
      log('  (page reloaded during evaluate; retrying once)');
      await ready();
      return page.evaluate(fn, arg);
    }
  };

  return {
    browser,
    page,
    version,
    isolated,
    evaluate,
    pageErrors,
    navigations: () => navigations,
    close: () => browser.close(),
  };
}
