/**
 * Which parent origins the app trusts as IDE webviews. VS Code's webviews
 * run at `vscode-webview://<id>` (desktop) or on a per-webview subdomain of
 * its webview host (vscode.dev: *.vscode-cdn.net); self-hosted builds
 * (code-server, our tests) use a host of their own, which the user allows once
 * from the panel ("Allow this IDE"), kept in this app's storage.
 */
import { signal } from '@preact/signals';

export const DEFAULT_IDE_ORIGINS: readonly string[] = ['vscode-webview://*', 'https://*.vscode-cdn.net', 'https://*.vscode-webview.net'];

/** Origins the user allowed from the panel, besides the defaults. */
export const allowedIdeOrigins = signal<readonly string[]>([]);

/**
 * `*` stands for one label of a host name (or a whole vscode-webview authority);
 * ports must match exactly when the pattern has one.
 */
export function originMatches(origin: string, pattern: string): boolean {
  if (pattern === origin) return true;
  const escaped = pattern.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '[a-z0-9-]+');
  return new RegExp(`^${escaped}$`, 'i').test(origin);
}

export function trustsOrigin(origin: string, allowed: readonly string[] = allowedIdeOrigins.value): boolean {
  if (origin === '' || origin === 'null') return false;
  return [...DEFAULT_IDE_ORIGINS, ...allowed].some((pattern) => originMatches(origin, pattern));
}

/** A first label that is a webview's id (a UUID, or a long hash of letters and digits), not a name someone chose. */
const WEBVIEW_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9]{20,})$/i;

/**
 * The pattern to remember when the user allows a webview origin: webview hosts are
 * per-webview subdomains (`<uuid>.host`), so a first label shaped like an id becomes `*`.
 * Named labels stay as they are: allowing `my-box-8080.app.github.dev` must not allow
 * every other Codespace, nor one ngrok tunnel every tunnel.
 */
export function patternFor(origin: string): string {
  const match = /^(https?:\/\/)([a-z0-9-]+)\.(.+)$/i.exec(origin);
  return match && WEBVIEW_ID.test(match[2]!) ? `${match[1]}*.${match[3]}` : origin;
}
