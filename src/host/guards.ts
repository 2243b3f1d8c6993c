/**
 * One type guard per message type and direction, so each end checks every
 * payload it receives before acting on it (the app those from the host, the
 * extension those from the app). A map per direction keyed like the protocol:
 * adding a message without its guard does not compile.
 */
import type { CompletionRequest, CompletionResponse } from '../completion/types';
import type {
  ActiveFileInfo,
  AppToHostEvents,
  AppToHostRequests,
  HostConfig,
  HostEntry,
  HostFileChange,
  HostStat,
  HostToAppEvents,
  HostToAppRequests,
  Params,
  Result,
  SelectedSnippet,
  ShellResult,
  ToolEditResult,
} from './protocol';
import { hasFields, isArrayOf, isNullable, isNumber, isOptional, isRecord, isString } from './wire';

type Guard<T> = (value: unknown) => value is T;
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isKind = (v: unknown): v is 'file' | 'directory' => v === 'file' || v === 'directory';
const isNull = (v: unknown): v is null => v === null;

const isActiveFile: Guard<ActiveFileInfo> = (v): v is ActiveFileInfo =>
  hasFields(v, {
    name: isString,
    path: isString,
    line1: isNullable(isNumber),
    line2: isNullable(isNumber),
    cursor: isNullable(isNumber),
    can_paste: isBool,
    content: isOptional(isString),
  });

const isSnippet: Guard<SelectedSnippet> = (v): v is SelectedSnippet =>
  hasFields(v, { language: isString, code: isString, path: isString, basename: isString });

const isConfigUpdate: Guard<Partial<HostConfig>> = (v): v is Partial<HostConfig> => {
  if (!isRecord(v)) return false;
  if (v.host !== undefined && !['vscode', 'jetbrains', 'generic'].includes(v.host as string)) return false;
  if (v.protocolVersion !== undefined && !isNumber(v.protocolVersion)) return false;
  if (v.hostVersion !== undefined && !isString(v.hostVersion)) return false;
  if (v.themeProps !== undefined && !hasFields(v.themeProps, { appearance: (a) => a === 'light' || a === 'dark' })) return false;
  if (v.capabilities !== undefined && !hasFields(v.capabilities, { workspace: isBool, shell: isBool, diffs: isBool, completion: isBool })) return false;
  if (v.currentWorkspaceName !== undefined && !isString(v.currentWorkspaceName)) return false;
  if (v.features !== undefined && !isRecord(v.features)) return false;
  if (v.completion !== undefined && !hasFields(v.completion, { enabled: isBool, model: isOptional(isString), maxTokens: isOptional(isNumber) })) return false;
  return true;
};

const isChange: Guard<HostFileChange> = (v): v is HostFileChange =>
  hasFields(v, { type: (t) => t === 'created' || t === 'modified' || t === 'deleted', path: isString });

export const isCompletionRequest: Guard<CompletionRequest> = (v): v is CompletionRequest => {
  if (!hasFields(v, { inputs: isRecord })) return false;
  const inputs = v.inputs as Record<string, unknown>;
  return (
    hasFields(inputs, { sources: isRecord, cursor: isRecord, multiline: isBool }) &&
    Object.values(inputs.sources as Record<string, unknown>).every(isString) &&
    hasFields(inputs.cursor, { file: isString, line: isNumber, character: isNumber })
  );
};

/** Host -> app events. */
export const hostEventGuards: { [K in keyof HostToAppEvents]: Guard<HostToAppEvents[K]> } = {
  'config/update': isConfigUpdate,
  'activeFile/setFileInfo': isNullable(isActiveFile),
  'selected_snippet/set': isNullable(isSnippet),
  'chatThread/new': (v): v is null => v === null || v === undefined,
  'currentProjectInfo/setCurrentProjectInfo': (v): v is HostToAppEvents['currentProjectInfo/setCurrentProjectInfo'] =>
    hasFields(v, { name: isString, workspaceRoots: isOptional(isArrayOf(isString)) }),
  'ide/attachFileToChat': isString,
  'fs/changed': isArrayOf(isChange),
};

/** Host -> app requests' params. */
export const hostRequestGuards: { [K in keyof HostToAppRequests]: Guard<Params<HostToAppRequests, K>> } = {
  'completion/request': isCompletionRequest,
};

const isChoice = (v: unknown): boolean => hasFields(v, { index: isNumber, code_completion: isString, finish_reason: isString });

/** Host -> app requests' results, as the host checks the app's answers. */
export const hostRequestResultGuards: { [K in keyof HostToAppRequests]: Guard<Result<HostToAppRequests, K>> } = {
  'completion/request': (v): v is CompletionResponse =>
    hasFields(v, { choices: (c) => Array.isArray(c) && c.every(isChoice), model: isOptional(isString) }),
};

const isStat: Guard<HostStat> = (v): v is HostStat => hasFields(v, { kind: isKind, size: isNumber, mtime: isNumber });
const isEntry: Guard<HostEntry> = (v): v is HostEntry => hasFields(v, { name: isString, kind: isKind });
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** App -> host requests' results, as the app checks the host's answers. */
export const appRequestResultGuards: { [K in keyof AppToHostRequests]: Guard<Result<AppToHostRequests, K>> } = {
  'fs/listDir': isArrayOf(isEntry),
  'fs/stat': isNullable(isStat),
  'fs/readFile': isBytes,
  'fs/writeFile': isStat,
  'fs/createDirectory': isNull,
  'fs/delete': isNull,
  'fs/rename': isNull,
  'ide/toolEdit': (v): v is ToolEditResult => hasFields(v, { accepted: (a) => a === true || a === false || a === 'indeterminate' }),
  'shell/run': (v): v is ShellResult =>
    hasFields(v, { exitCode: isNullable(isNumber), output: isString, declined: isOptional(isBool), timedOut: isOptional(isBool) }),
};

const isPath = { path: isString };

/** App -> host requests' params, as the extension checks them. */
export const appRequestGuards: { [K in keyof AppToHostRequests]: Guard<Params<AppToHostRequests, K>> } = {
  'fs/listDir': (v): v is { path: string } => hasFields(v, isPath),
  'fs/stat': (v): v is { path: string } => hasFields(v, isPath),
  'fs/readFile': (v): v is { path: string } => hasFields(v, isPath),
  'fs/writeFile': (v): v is Params<AppToHostRequests, 'fs/writeFile'> =>
    hasFields(v, { path: isString, bytes: isBytes, expectMtime: isOptional(isNumber) }),
  'fs/createDirectory': (v): v is { path: string } => hasFields(v, isPath),
  'fs/delete': (v): v is { path: string; recursive: boolean } => hasFields(v, { path: isString, recursive: isBool }),
  'fs/rename': (v): v is { from: string; to: string } => hasFields(v, { from: isString, to: isString }),
  'ide/toolEdit': (v): v is Params<AppToHostRequests, 'ide/toolEdit'> =>
    hasFields(v, { toolCall: isRecord, chatId: isString, path: isString, edit: (e) => hasFields(e, { file_before: isString, file_after: isString }) }),
  'shell/run': (v): v is Params<AppToHostRequests, 'shell/run'> => hasFields(v, { command: isString, cwd: isOptional(isString), timeoutMs: isNumber }),
};

/** App -> host events, as the extension checks them. */
export const appEventGuards: { [K in keyof AppToHostEvents]: Guard<AppToHostEvents[K]> } = {
  'ide/isChatReady': (v): v is true => v === true,
  'ide/openFile': (v): v is AppToHostEvents['ide/openFile'] => hasFields(v, { file_path: isString, line: isOptional(isNumber) }),
  'ide/diffPasteBack': (v): v is AppToHostEvents['ide/diffPasteBack'] =>
    hasFields(v, { content: isString, chatId: isOptional(isString), toolCallId: isOptional(isString) }),
  'ide/newFile': isString,
  'ide/animateFile/start': isString,
  'ide/animateFile/stop': isString,
  'ide/chatPageChange': isString,
  'ide/isChatStreaming': isBool,
  'ide/escapeKeyPressed': isString,
  'completion/status': (v): v is AppToHostEvents['completion/status'] =>
    hasFields(v, { state: isString, model: isNullable(isString), detail: isNullable(isString), lastMs: isNullable(isNumber) }),
  'index/status': (v): v is AppToHostEvents['index/status'] => hasFields(v, { state: isString, text: isString }),
};
