/**
 * What a tool is and what it may use. One tool per file in this folder, each
 * `{ name, description, parameters, kind, run }` (isomorphic-git's one command
 * per file); `run` gets arguments already parsed from the model's JSON and
 * throws ToolError naming the argument or path when it cannot proceed.
 */
import type { Workspace } from '../../workspace/types';
import type { WorkspaceFileList } from '../file-list';
import type { KnowledgeStore } from '../knowledge/store';
import type { ChatContextFile, Checkpoint, DiffChunk } from '../messages';
import type { ContentPart } from '../../providers/types';

export type ToolKind = 'read' | 'write';

/** Checkpoints (issue 4) behind a port, so the loop runs with or without them. */
export interface CheckpointPort {
  /** Called before any write touches `paths`; null when nothing was recorded (e.g. already done this turn). */
  beforeWrite(chatId: string, paths: readonly string[]): Promise<Checkpoint | null>;
}

/** A place in the code found by the AST or vector index. */
export interface CodeLocation {
  file_name: string;
  line1: number;
  line2: number;
  /** The symbol's or chunk's text; read from the workspace when absent. */
  text?: string;
  symbol?: string;
}

/** The code-intelligence issue fills this in; until then the index tools say it is missing. */
export interface CodeIndexPort {
  definitions?(symbol: string, signal: AbortSignal): Promise<CodeLocation[]>;
  references?(symbol: string, signal: AbortSignal): Promise<CodeLocation[]>;
  semanticSearch?(query: string, topN: number, signal: AbortSignal): Promise<CodeLocation[]>;
  /** `@tree --ast`: a file's outline (signatures with line ranges), or null when the file is not indexed. */
  skeleton?(path: string, signal: AbortSignal): Promise<string | null>;
}

/** An IDE that can run commands in the workspace folder (desktop VS Code): the shell tool runs through it. */
export interface ShellPort {
  /** Runs `command` after the user confirms in the IDE; output arrives through `onOutput` as it comes. */
  run(
    request: { command: string; cwd?: string; timeoutMs: number },
    onOutput: (text: string) => void,
    signal: AbortSignal,
  ): Promise<{ exitCode: number | null; output: string; declined?: boolean; timedOut?: boolean }>;
}

export interface ToolContext {
  workspace: Workspace;
  chatId: string;
  checkpoints: CheckpointPort | null;
  knowledge: KnowledgeStore | null;
  index: CodeIndexPort | null;
  /** The workspace's file list, kept current; tools walk the workspace when absent. */
  files: WorkspaceFileList | null;
  /** The model sees images: cat returns them as data URLs. */
  multimodal: boolean;
  /** Set where the host can run commands; the shell tool is offered only then. */
  shell?: ShellPort | null;
  signal: AbortSignal;
}

/** What a tool hands back; the loop turns it into tool / diff / context_file messages. */
export interface ToolOutcome {
  /** The tool message's content. Ignored when `diff` is set (the diff is the result). */
  content: string | ContentPart[];
  /** Write tools: the change made. Becomes a diff message answering the call. */
  diff?: DiffChunk[];
  /** Files to show the model, appended as a context_file message after the step's results. */
  contextFiles?: ChatContextFile[];
  /** A restore point made before the write. */
  checkpoint?: Checkpoint;
}

export interface Tool {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: {
    type: 'object';
    properties: Record<string, Record<string, unknown>>;
    required: string[];
  };
  kind: ToolKind;
  /** Edits file contents (Refact's PATCH_LIKE_FUNCTIONS): auto-approved when the chat's automatic patch is on. */
  patchLike?: boolean;
  /** False when it cannot work in this context (e.g. no code index yet): left out of the model's tool list. */
  isAvailable?(ctx: Pick<ToolContext, 'index' | 'knowledge' | 'shell'>): boolean;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutcome>;
}

/** A failure the model can act on; the message names the tool and the argument or path. */
export class ToolError extends Error {
  override name = 'ToolError';
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super(`${tool}: ${message}`);
  }
}
