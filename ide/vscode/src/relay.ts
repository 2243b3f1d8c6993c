/**
 * The relay script: runs inside the webview (not in the extension host) and
 * passes messages between the extension and the app's iframe. Its source is
 * inlined into the webview's HTML with `Function.prototype.toString`, so it
 * must use nothing from outside its own body but browser globals.
 *
 * Inside a webview VS Code sets `window.parent = window`, so the sender cannot
 * be told by `event.source === window.parent`. Instead:
 * - from the app: `event.source` is the iframe's window AND `event.origin` is
 *   the app's origin AND the data says our channel -> to the extension;
 * - from the extension: VS Code's own frame (our real parent) posts with the
 *   webview's origin; a frame inside this page never counts as it, even one of
 *   our origin -> into the iframe, with the app's origin as targetOrigin so a
 *   navigated-away iframe never sees it;
 * - anything else (another frame, another origin, another channel) is dropped
 *   and counted on `<html data-refact-dropped>`.
 */
export interface RelayConfig {
  appOrigin: string;
  channel: string;
  frameId: string;
}

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

export function relay(config: RelayConfig): void {
  const vscode = acquireVsCodeApi();
  const frame = document.getElementById(config.frameId) as HTMLIFrameElement;
  let dropped = 0;

  const isOurs = (data: unknown): boolean =>
    typeof data === 'object' && data !== null && (data as { channel?: unknown }).channel === config.channel;

  const isOwnChild = (source: MessageEventSource): boolean => {
    for (let i = 0; i < window.frames.length; i++) if (window.frames[i] === source) return true;
    return false;
  };

  window.addEventListener('message', (event: MessageEvent) => {
    const app = frame.contentWindow;
    if (app !== null && event.source === app) {
      if (event.origin === config.appOrigin && isOurs(event.data)) {
        vscode.postMessage(event.data);
        return;
      }
    } else if (event.origin === window.origin && event.source !== null && !isOwnChild(event.source) && isOurs(event.data)) {
      app?.postMessage(event.data, config.appOrigin);
      return;
    }
    dropped++;
    document.documentElement.dataset.refactDropped = String(dropped);
    console.warn(`Refact relay: dropped a message from ${event.origin || 'an opaque origin'} (${dropped} so far)`);
  });
}
