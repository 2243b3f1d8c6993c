/**
 * A stand-in IDE for app-level tests of the host protocol: a page on its own
 * origin with the app in an iframe and a small host script that speaks
 * src/host/protocol.ts the way our VS Code extension does (config on the
 * handshake, the workspace's files from an in-memory map, edits held for the
 * test to accept or reject, completion requests sent to the app). The real
 * extension in a real VS Code is tested in e2e/vscode-*.spec.ts; this one
 * makes the app's side fast to exercise.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHost {
  origin: string;
  /** The page embedding the app (at `appUrl`) with `files` as the workspace. */
  url(files: Record<string, string>, options?: { theme?: 'light' | 'dark'; capabilities?: Record<string, boolean> }): string;
  close(): Promise<void>;
}

const HOST_SCRIPT = String.raw`
const params = new URLSearchParams(location.search);
const files = new Map(Object.entries(JSON.parse(params.get('files') || '{}')).map(([p, t]) => [p, { text: t, mtime: Date.now() }]));
const caps = JSON.parse(params.get('caps') || '{}');
const iframe = document.getElementById('app');
const APP = new URL(iframe.src).origin;
const base = { channel: 'refact-tab', version: 1 };
const log = (window.hostLog = []);
let theme = params.get('theme') || 'light';
let nextId = 0;
const waiting = new Map();
const post = (m) => iframe.contentWindow.postMessage({ ...base, ...m }, APP);
const event = (type, payload) => post({ kind: 'event', type, payload });
const reply = (id, payload) => post({ kind: 'response', id, ok: true, payload });
const fail = (id, message, code) => post({ kind: 'response', id, ok: false, error: { message, code } });
const config = () => ({ host: 'vscode', protocolVersion: 1, hostVersion: 'fake', themeProps: { appearance: theme }, features: {},
  capabilities: { workspace: true, diffs: true, completion: true, shell: false, ...caps }, currentWorkspaceName: 'hosted' });
const children = (dir) => {
  const out = new Map();
  for (const p of files.keys()) {
    if (dir && !p.startsWith(dir + '/')) continue;
    const rest = dir ? p.slice(dir.length + 1) : p;
    const [name, ...more] = rest.split('/');
    out.set(name, more.length ? 'directory' : 'file');
  }
  return [...out].map(([name, kind]) => ({ name, kind }));
};
const isDir = (p) => p === '' || [...files.keys()].some((f) => f.startsWith(p + '/'));
window.hostFile = (p) => files.get(p)?.text;
window.setTheme = (t) => { theme = t; event('config/update', { themeProps: { appearance: t } }); };
window.answerEdit = (accepted) => { const m = window.pendingEdit; window.pendingEdit = null;
  if (accepted === true) files.set(m.payload.path, { text: m.payload.edit.file_after, mtime: Date.now() });
  reply(m.id, { accepted }); if (accepted === true) event('fs/changed', [{ type: 'modified', path: m.payload.path }]); };
window.askCompletion = (request) => new Promise((resolve) => { const id = 'h' + ++nextId; waiting.set(id, resolve); post({ kind: 'request', id, type: 'completion/request', payload: request }); });
window.setActive = (path, line1, line2, code) => { event('activeFile/setFileInfo', { name: path.split('/').pop(), path, line1, line2, cursor: line1 - 1, can_paste: true });
  event('selected_snippet/set', code ? { language: 'python', code, path, basename: path.split('/').pop() } : null); };
window.addEventListener('message', (e) => {
  if (e.source !== iframe.contentWindow || e.origin !== APP || !e.data || e.data.channel !== 'refact-tab') return;
  const m = e.data;
  log.push(m);
  if (m.kind === 'event' && m.type === 'ide/isChatReady') { event('config/update', config()); event('currentProjectInfo/setCurrentProjectInfo', { name: 'hosted' }); }
  if (m.kind === 'response' && waiting.has(m.id)) { waiting.get(m.id)(m); waiting.delete(m.id); }
  if (m.kind !== 'request') return;
  const p = m.payload;
  switch (m.type) {
    case 'fs/listDir': return isDir(p.path) ? reply(m.id, children(p.path)) : fail(m.id, 'no such folder', 'not-found');
    case 'fs/stat': { const f = files.get(p.path); return reply(m.id, f ? { kind: 'file', size: new TextEncoder().encode(f.text).length, mtime: f.mtime } : isDir(p.path) ? { kind: 'directory', size: 0, mtime: 0 } : null); }
    case 'fs/readFile': { const f = files.get(p.path); return f ? reply(m.id, new TextEncoder().encode(f.text)) : fail(m.id, 'no such file', 'not-found'); }
    case 'fs/writeFile': { const f = files.get(p.path); if (p.expectMtime !== undefined && f && f.mtime !== p.expectMtime) return fail(m.id, 'changed', 'conflict');
      const text = new TextDecoder().decode(p.bytes); const mtime = Date.now(); files.set(p.path, { text, mtime }); return reply(m.id, { kind: 'file', size: p.bytes.length, mtime }); }
    case 'ide/toolEdit': window.pendingEdit = m; return;
    default: return fail(m.id, 'not in the fake host', 'unsupported');
  }
});
`;

export async function startFakeHost(appUrl: string): Promise<FakeHost> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/host.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(HOST_SCRIPT);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(
      `<!doctype html><title>Fake IDE</title><body style="margin:0">` +
        `<iframe id="app" src="${appUrl}" style="width:420px;height:700px;border:0"></iframe>` +
        `<script src="/host.js${url.search}"></script></body>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url(files, options = {}) {
      const q = new URLSearchParams({ files: JSON.stringify(files), theme: options.theme ?? 'light', caps: JSON.stringify(options.capabilities ?? {}) });
      return `${origin}/?${q}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
