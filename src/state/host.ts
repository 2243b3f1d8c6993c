/**
 * The app inside an IDE: when it runs in a frame, it offers the host the
 * handshake (`ide/isChatReady`); a trusted host answers with its config, and
 * from then on the workspace is the IDE's (HostWorkspace, no folder to pick),
 * the theme follows the IDE's, the IDE's active file and selection are what
 * the chat offers as context, and files open in the IDE's editor.
 *
 * An origin the app does not know as an IDE webview is never acted on; the
 * panel shows "Allow this IDE" once (self-hosted VS Code, code-server).
 */
import { computed, effect, signal } from '@preact/signals';
import { HostChannel, windowEndpoint } from '../host/channel';
import { HostWorkspace } from '../host/host-workspace';
import { PROTOCOL_VERSION, type HostConfig } from '../host/protocol';
import { allowedIdeOrigins, patternFor, trustsOrigin } from '../host/trust';
import { getSetting, setSetting } from '../storage/db';
import { indexStatus } from './code-index';
import { completionStatus } from './completion-status';
import { activeFile } from './editor-context';
import { go } from './route';
import { normalizeWorkspacePath } from '../workspace/paths';
import { workspace } from './workspace';

export const hostConfig = signal<Partial<HostConfig> | null>(null);
/** An IDE in our protocol whose origin is not trusted yet: the panel asks the user. */
export const untrustedHost = signal<string | null>(null);
/** Messages dropped so far (foreign, untrusted, malformed), for the panel's details. */
export const droppedHostMessages = signal(0);
export const embedded = typeof window !== 'undefined' && window.parent !== window;
/** Connected to an IDE host that serves the workspace. */
export const hostConnected = computed(() => hostConfig.value?.capabilities?.workspace === true);
/** The IDE speaks another protocol version: said plainly, in the panel. */
export const hostVersionNotice = computed(() => {
  const v = hostConfig.value?.protocolVersion;
  if (v === undefined || v === PROTOCOL_VERSION) return null;
  return `This app speaks version ${PROTOCOL_VERSION} of the IDE protocol and the extension version ${v}: update the ${v < PROTOCOL_VERSION ? 'extension' : 'app'}.`;
});

const TRUSTED_SETTING = 'host.allowedOrigins';
let channel: HostChannel | null = null;

export function hostChannel(): HostChannel | null {
  return channel;
}

/** Starts listening for a host when the app runs in a frame; a no-op in a plain tab. */
export async function connectToHost(): Promise<void> {
  if (!embedded || channel) return;
  allowedIdeOrigins.value = await getSetting<string[]>(TRUSTED_SETTING, []).catch(() => []);
  channel = new HostChannel({
    endpoint: windowEndpoint(),
    trusts: (origin) => trustsOrigin(origin),
    onUntrusted: (origin) => {
      droppedHostMessages.value = channel?.dropped ?? 0;
      if (untrustedHost.value === null) untrustedHost.value = origin;
    },
  });
  listen(channel);
  channel.send('ide/isChatReady', true);
}

/** "Allow this IDE": remembered for this app's storage, then the handshake again. */
export async function trustHost(origin: string): Promise<void> {
  const pattern = patternFor(origin);
  allowedIdeOrigins.value = [...new Set([...allowedIdeOrigins.value, pattern])];
  untrustedHost.value = null;
  await setSetting(TRUSTED_SETTING, allowedIdeOrigins.value).catch(() => undefined);
  channel?.send('ide/isChatReady', true);
}

function listen(ch: HostChannel): void {
  ch.on('config/update', (update) => {
    hostConfig.value = { ...hostConfig.value, ...update };
    if (update.capabilities?.workspace && !(workspace.peek() instanceof HostWorkspace)) {
      useHostWorkspace(ch, update.currentWorkspaceName);
      reportStatus(ch);
    }
  });
  // The project's name and folder: a folder of another URI is another workspace, even of the same name.
  ch.on('currentProjectInfo/setCurrentProjectInfo', (info) => {
    const ws = workspace.peek();
    if (!(ws instanceof HostWorkspace)) return;
    const name = info.name || ws.name;
    if (ws.id !== hostWorkspaceId(name, info.workspaceRoots?.[0])) useHostWorkspace(ch, name, info.workspaceRoots?.[0]);
  });
  ch.on('activeFile/setFileInfo', (info) => {
    const ws = workspace.peek();
    const path = info ? hostPath(info.path) : null;
    if (!info || !ws || path === null) {
      activeFile.value = null;
      return;
    }
    const now = activeFile.peek();
    activeFile.value = {
      path,
      line1: info.line1 ?? 1,
      line2: info.line2 ?? info.line1 ?? 1,
      selection: now?.path === path ? now.selection : '',
      text: async () => {
        const read = await ws.readText(path);
        return read.kind === 'text' ? read.text : '';
      },
    };
  });
  ch.on('chatThread/new', () => void import('./chat').then((chat) => chat.newChat()));
  ch.on('ide/attachFileToChat', (raw) => {
    const path = hostPath(raw);
    if (path === null) return;
    void import('./chat').then((chat) => {
      // As Refact's "Attach to chat": the file goes into the message as @file, shown before sending.
      chat.draft.value = `${chat.draft.value.trimEnd()}${chat.draft.value.trim() ? ' ' : ''}@file ${path} `;
      go('chat');
    });
  });
  // Inline completions in the IDE's editor, answered by the model in this app (or the chosen provider).
  ch.handle('completion/request', async (request, signal) => {
    const completion = await import('./completion');
    await completion.initCompletion();
    return completion.requestCompletion({ client: 'vscode', ...request }, signal);
  });
  ch.on('selected_snippet/set', (snippet) => {
    const now = activeFile.peek();
    if (now && (!snippet || hostPath(snippet.path) === now.path)) activeFile.value = { ...now, selection: snippet?.code ?? '' };
  });
}

/**
 * A path the IDE sent, through the same path rules as every other path: normalized, or null
 * (dropped, counted and logged) when it would leave the workspace or is no path at all.
 */
function hostPath(path: string): string | null {
  try {
    return normalizeWorkspacePath(path);
  } catch {
    // Counted with the channel's other drops (the signal mirrors that one count).
    if (channel) droppedHostMessages.value = ++channel.dropped;
    console.warn(`Refact: ignored a path from the IDE that is not inside the workspace: ${JSON.stringify(path).slice(0, 200)}`);
    return null;
  }
}

/** Completion's and the code index's state, for the IDE's status bar item. */
function reportStatus(ch: HostChannel): void {
  effect(() => {
    const status = completionStatus.value;
    ch.send('completion/status', { state: status.state, model: status.label, detail: status.detail, lastMs: status.lastMs });
  });
  effect(() => {
    const status = indexStatus.value;
    if (!status) return;
    const text = status.state === 'ready' ? `${status.files} files, ${status.definitions} definitions` : status.state === 'error' ? `stopped: ${status.error ?? ''}` : `${status.done}/${status.total}`;
    ch.send('index/status', { state: status.state, text });
  });
}

/**
 * What the app keeps per folder (index, vectors, knowledge, checkpoints) is keyed by this id:
 * the folder's name alone would let two IDE folders of the same name share it, so the id
 * also carries a hash of the folder's URI when the IDE gives one.
 */
export function hostWorkspaceId(name: string, root: string | undefined): string {
  if (!root) return `host:${name}`;
  let h = 0x811c9dc5; // FNV-1a, 32 bits: a short stable key, not a secret
  for (let i = 0; i < root.length; i++) h = Math.imul(h ^ root.charCodeAt(i), 0x01000193);
  return `host:${name}:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

function useHostWorkspace(ch: HostChannel, name = 'workspace', root?: string): void {
  workspace.value = new HostWorkspace(hostWorkspaceId(name, root), name, {
    request: (type, params) => ch.request(type, params),
    onChanges: (listener) => ch.on('fs/changed', listener),
  });
  document.title = `${name} · Refact`;
  if (!location.hash) go('chat'); // in an IDE panel the chat is what people come for
}

// Inside an IDE: IDE-only controls show (code blocks' Insert and New file).
effect(() => {
  if (typeof document === 'undefined') return;
  if (hostConnected.value) document.documentElement.dataset.host = hostConfig.value?.host ?? 'ide';
  else delete document.documentElement.dataset.host;
});

// The theme follows the IDE's, live.
effect(() => {
  const appearance = hostConfig.value?.themeProps?.appearance;
  if (typeof document === 'undefined') return;
  if (appearance) document.documentElement.dataset.theme = appearance;
  else delete document.documentElement.dataset.theme;
});
