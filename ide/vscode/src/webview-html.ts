/**
 * The webview's page: the app in a full-size iframe plus the relay script,
 * under a CSP that allows nothing else (no network, no other frames, only
 * our one inline script).
 */
import { CHANNEL } from '../../../src/host/protocol';
import { relay, type RelayConfig } from './relay';

const FRAME_ID = 'refact-app';

export interface WebviewPage {
  /** The app's URL (setting `refact.appUrl`). */
  appUrl: string;
  /** `webview.cspSource`: where VS Code serves the webview's own resources from. */
  cspSource: string;
  nonce: string;
}

export function webviewHtml({ appUrl, cspSource, nonce }: WebviewPage): string {
  let appOrigin: string;
  try {
    const url = new URL(appUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    appOrigin = url.origin;
  } catch {
    return errorHtml(`The setting refact.appUrl is not an http(s) address: ${appUrl}`, cspSource);
  }
  const config: RelayConfig = { appOrigin, channel: CHANNEL, frameId: FRAME_ID };
  const csp = [
    "default-src 'none'",
    `frame-src ${appOrigin}`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'unsafe-inline'`,
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  html, body { margin: 0; padding: 0; width: 100%; height: 100%; overflow: hidden; }
  iframe { display: block; border: 0; width: 100%; height: 100%; }
</style>
</head>
<body>
<iframe id="${FRAME_ID}" title="Refact" src="${escapeHtml(appUrl)}" allow="cross-origin-isolated; clipboard-read; clipboard-write"></iframe>
<script nonce="${nonce}">(${relay.toString()})(${scriptJson(config)});</script>
</body>
</html>`;
}

function errorHtml(message: string, cspSource: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${escapeHtml(cspSource)} 'unsafe-inline'">
</head><body><p>${escapeHtml(message)}</p></body></html>`;
}

/** A fresh nonce per page, so only the script we wrote runs. */
export function makeNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot close the <script> element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
