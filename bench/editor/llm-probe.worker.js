/**
 * The app's llm worker (workers/llm.worker.ts, imported unchanged) with two
 * probes for the editor suite: when a completeFim call's message arrives
 * (a listener registered before Comlink's) and when its reply is posted.
 * Both go back to the page as { __probe } messages, which Comlink ignores
 * (they carry no id). Times are epoch ms (timeOrigin + now), comparable with
 * the page's. bench/editor/editor-page.js starts the app's llm worker on this
 * script instead (same name, same module type).
 */
// Static imports, in this order: the probes, then the worker (no top-level await: a message
// arriving while the worker module was still loading would find no Comlink listener yet).
import './llm-probe.setup.js';
import '/workers/llm.worker.ts';
