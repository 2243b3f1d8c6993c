/**
 * The IDE host protocol: every message between the app (in an iframe) and its
 * host (our VS Code extension's webview, which relays to the extension),
 * declared once as typed maps per direction and imported by both ends, so a
 * rename breaks the build, not a user's session.
 *
 * Refact's event `type` strings and payloads where it is the same thing
 * (../shared/docs/REFACT-IDE-PROTOCOL.md): fire-and-forget `{ type, payload }`.
 * What an in-tab engine needs that Refact never did (the workspace's files,
 * completions the IDE asks for, the edit approval, the shell) are requests
 * with ids, answered by one `response` (or cancelled); a long answer may send
 * `stream` parts first (Continue's pattern).
 *
 * Every message carries `channel: 'refact-tab'` and the protocol version, so
 * the two ends can tell ours from any other postMessage and say plainly when
 * an app and an extension of different versions meet.
 */
import type { CompletionRequest, CompletionResponse } from '../completion/types';
import type { DiffChunk } from '../engine/messages';

export const CHANNEL = 'refact-tab';
/** Bumped on an incompatible change; each end says plainly when the other's differs. */
export const PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------------------
// Payloads

/** What the host tells the app when it is ready and when settings change (Refact's Config, plus ours). */
export interface HostConfig {
  /** The IDE: 'vscode' (desktop or web). */
  host: 'vscode' | 'jetbrains' | 'generic';
  /** The host's protocol version (PROTOCOL_VERSION of the extension). */
  protocolVersion: number;
  /** The extension's version, for the "different versions" notice. */
  hostVersion: string;
  themeProps: { appearance: 'light' | 'dark'; scaling?: string };
  features: { vecdb?: boolean; ast?: boolean; images?: boolean };
  shiftEnterToSubmit?: boolean;
  currentWorkspaceName?: string;
  /** What the host can do for the app. */
  capabilities: HostCapabilities;
  completion?: { enabled: boolean; model?: string; maxTokens?: number };
}

export interface HostCapabilities {
  /** The host serves the workspace's files (fs/* requests). */
  workspace: boolean;
  /** The host can run commands in the workspace folder (desktop VS Code), after the user confirms. */
  shell: boolean;
  /** The host shows the agent's edits as diffs to accept or reject (ide/toolEdit). */
  diffs: boolean;
  /** The host asks the app for inline completions (completion/request). */
  completion: boolean;
}

/** Refact's activeFile/setFileInfo: line1/line2 1-based selection, cursor 0-based line. */
export interface ActiveFileInfo {
  name: string;
  path: string;
  line1: number | null;
  line2: number | null;
  cursor: number | null;
  can_paste: boolean;
  /** The selection's text (ours: Refact sends it in selected_snippet/set). */
  content?: string;
}

/** Refact's selected_snippet/set. */
export interface SelectedSnippet {
  language: string;
  code: string;
  path: string;
  basename: string;
}

export interface ProjectInfo {
  name: string;
  workspaceRoots?: string[];
}

/** A file or folder as the host's file system sees it; paths are workspace-relative with '/'. */
export interface HostEntry {
  name: string;
  kind: 'file' | 'directory';
}

export interface HostStat {
  kind: 'file' | 'directory';
  size: number;
  /** Milliseconds since the epoch. */
  mtime: number;
}

export interface HostFileChange {
  type: 'created' | 'modified' | 'deleted';
  path: string;
}

/** Refact's ide/toolEdit: the whole before/after text; the host shows the diff and answers. */
export interface ToolEditRequest {
  toolCall: { id: string; function: { name: string; arguments: string } };
  chatId: string;
  /** Workspace-relative path (ours: Refact infers it from the tool call). */
  path: string;
  edit: { file_before: string; file_after: string; chunks: DiffChunk[] };
}

/** Refact's ide/toolEditResponse; 'indeterminate': the user edited the file by hand during the diff. */
export interface ToolEditResult {
  accepted: true | false | 'indeterminate';
}

export interface ShellRequest {
  command: string;
  /** Workspace-relative folder; default the workspace root. */
  cwd?: string;
  timeoutMs: number;
}

export interface ShellResult {
  exitCode: number | null;
  /** The user declined to run it. */
  declined?: boolean;
  timedOut?: boolean;
  output: string;
}

export interface CompletionStatusReport {
  state: string;
  model: string | null;
  detail: string | null;
  lastMs: number | null;
}

export interface IndexStatusReport {
  state: string;
  text: string;
}

// ---------------------------------------------------------------------------
// The maps

/** Host -> app events (fire and forget). */
export interface HostToAppEvents {
  'config/update': Partial<HostConfig>;
  'activeFile/setFileInfo': ActiveFileInfo | null;
  'selected_snippet/set': SelectedSnippet | null;
  'chatThread/new': null;
  'currentProjectInfo/setCurrentProjectInfo': ProjectInfo;
  'ide/attachFileToChat': string;
  /** Ours: files changed in the workspace (by the user, git, another extension). */
  'fs/changed': HostFileChange[];
}

/** App -> host events. */
export interface AppToHostEvents {
  /** Handshake: the host (re)sends config, project, active file and snippet. */
  'ide/isChatReady': true;
  'ide/openFile': { file_path: string; line?: number };
  'ide/diffPasteBack': { content: string; chatId?: string; toolCallId?: string };
  'ide/newFile': string;
  'ide/animateFile/start': string;
  'ide/animateFile/stop': string;
  'ide/chatPageChange': string;
  'ide/isChatStreaming': boolean;
  'ide/escapeKeyPressed': string;
  /** Ours: completion's model and state, for the host's status bar item. */
  'completion/status': CompletionStatusReport;
  /** Ours: the code index's state, for the host's status bar item. */
  'index/status': IndexStatusReport;
}

/** App -> host requests: method -> [params, result]. */
export interface AppToHostRequests {
  'fs/listDir': [{ path: string }, HostEntry[]];
  /** null when nothing is there. */
  'fs/stat': [{ path: string }, HostStat | null];
  'fs/readFile': [{ path: string }, Uint8Array];
  /** Atomic on the host's side; refused (error code 'conflict') when the file's mtime is not `expectMtime`. */
  'fs/writeFile': [{ path: string; bytes: Uint8Array; expectMtime?: number }, HostStat];
  'fs/createDirectory': [{ path: string }, null];
  'fs/delete': [{ path: string; recursive: boolean }, null];
  'fs/rename': [{ from: string; to: string }, null];
  /** Shows the agent's edit as a diff; nothing is written before the user accepts. */
  'ide/toolEdit': [ToolEditRequest, ToolEditResult];
  /** Runs a command after the user confirms; output arrives as `stream` parts (strings), then the result. */
  'shell/run': [ShellRequest, ShellResult];
}

/** Host -> app requests. */
export interface HostToAppRequests {
  /** Refact's /v1/code-completion, answered by the model in the app; cancellable. */
  'completion/request': [CompletionRequest, CompletionResponse];
}

export type EventName<Map> = keyof Map & string;
export type RequestName<Map> = keyof Map & string;
export type Params<Map, K extends keyof Map> = Map[K] extends [infer P, unknown] ? P : never;
export type Result<Map, K extends keyof Map> = Map[K] extends [unknown, infer R] ? R : never;

// ---------------------------------------------------------------------------
// Wire messages

interface Base {
  channel: typeof CHANNEL;
  version: number;
}

export interface EventMessage<T extends string = string, P = unknown> extends Base {
  kind: 'event';
  type: T;
  payload: P;
}

export interface RequestMessage<T extends string = string, P = unknown> extends Base {
  kind: 'request';
  id: string;
  type: T;
  payload: P;
}

export type ErrorCode = 'conflict' | 'not-found' | 'permission' | 'cancelled' | 'unsupported' | 'bad-request' | 'failed';

export interface ResponseMessage extends Base {
  kind: 'response';
  id: string;
  ok: boolean;
  payload?: unknown;
  error?: { message: string; code: ErrorCode };
}

/** A part of a long answer (shell output), before its response. */
export interface StreamMessage extends Base {
  kind: 'stream';
  id: string;
  payload: unknown;
}

export interface CancelMessage extends Base {
  kind: 'cancel';
  id: string;
}

export type WireMessage = EventMessage | RequestMessage | ResponseMessage | StreamMessage | CancelMessage;
