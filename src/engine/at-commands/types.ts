/**
 * @-commands: words in a user message that pull context in before it is sent
 * (seeds: /v1/at-command-completion and /v1/at-command-preview). One command
 * per file; each says how it reads its argument, how to complete it, and
 * what it produces (context files or plain text).
 */
import type { Workspace } from '../../workspace/types';
import type { WorkspaceFileList } from '../file-list';
import type { KnowledgeStore } from '../knowledge/store';
import type { ChatContextFile, ContextFileMessage, PlainTextMessage } from '../messages';
import type { CodeIndexPort } from '../tools/types';

export interface AtCommandContext {
  workspace: Workspace;
  files?: WorkspaceFileList | null;
  knowledge?: KnowledgeStore | null;
  index?: CodeIndexPort | null;
  signal?: AbortSignal;
}

export interface AtCommandOutput {
  contextFiles?: ChatContextFile[];
  plainText?: string;
}

export interface AtCommand {
  /** With the '@', e.g. "@file". */
  name: string;
  description: string;
  /** 'one': the next word; 'rest': the rest of the line; 'none': no argument. */
  params: 'none' | 'one' | 'rest';
  /** Options a 'none' command accepts right after its name (e.g. `@tree --ast`); one is passed as its argument. */
  flags?: readonly string[];
  /** Left out of completion when false (e.g. no code index yet); running it still says why it cannot. */
  isAvailable?(ctx: AtCommandContext): boolean;
  /** Completions for the argument being typed (without the trailing space). */
  complete?(arg: string, ctx: AtCommandContext, topN: number): Promise<string[]>;
  /** The argument is complete as typed, so the command can run. Default: non-empty. */
  isValid?(arg: string, ctx: AtCommandContext): Promise<boolean>;
  /** Throws AtCommandError with a reason the UI can show. */
  execute(arg: string, ctx: AtCommandContext): Promise<AtCommandOutput>;
}

export class AtCommandError extends Error {
  override name = 'AtCommandError';
}

/** Refact's completion answer: replace the text in [replace[0], replace[1]) with a completion. */
export interface CommandCompletionResponse {
  completions: string[];
  replace: [number, number];
  is_cmd_executable: boolean;
}

export interface Highlight {
  kind: 'cmd' | 'arg';
  pos1: number;
  pos2: number;
  ok: boolean;
  reason: string;
}

/** Refact's preview answer: the messages that will be inserted before the user's message. */
export interface CommandPreviewResponse {
  messages: (ContextFileMessage | PlainTextMessage)[];
  highlight: Highlight[];
}
