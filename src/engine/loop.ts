/**
 * The chat loop: stream the model's answer into the thread; when it asks for
 * tools, confirm, run them, append their results and call the model again,
 * until it answers without tools, or a step limit, a tool loop, the user's
 * Stop, an abort or a provider error ends the run. Every change to the thread
 * is reported as it happens (thread-writer.ts); an abort keeps what arrived.
 *
 * It also resumes: a thread that ends with tool calls without results (a
 * reload during a confirmation) starts by running them.
 */
import type { ChatRequest, ToolCall, ToolSpec } from '../providers/types';
import type { ProviderError } from '../providers/types';
import type { Workspace } from '../workspace/types';
import { fitToBudget } from './budget';
import { defaultRules, NO_PERMISSIONS, type ChatPermissions, type ConfirmationRules, type ConfirmDecision } from './confirmation';
import { listWorkspaceFiles, type WorkspaceFileList } from './file-list';
import type { KnowledgeStore } from './knowledge/store';
import type { ThreadMessage } from './messages';
import { answeredCallId, lastUserIndex } from './messages';
import { streamAnswer, type StreamFn } from './model-step';
import type { ChatMode } from './modes';
import { renderTreeWithin } from './project-tree';
import { systemPrompt } from './prompts';
import { toProviderMessages } from './provider-messages';
import { ThreadWriter, type ChatEventListener } from './thread-writer';
import { DEFAULT_TOOL_LOOP_LIMIT, detectToolLoop, toolLoopExplanation } from './tool-loop';
import { runToolStep, type PauseRequest } from './tool-step';
import { BUILTIN_TOOLS, availableTools, toolSpecs, toolsForMode, type ShellPort } from './tools/index';
import type { CheckpointPort, CodeIndexPort, Tool, ToolContext } from './tools/types';
import type { TokenCounter } from './token-counter';

export type { StreamFn } from './model-step';
export type { ChatEvent, ChatEventListener, LoopStatus } from './thread-writer';
export { DECLINED_RESULT, STOPPED_RESULT, type PauseRequest } from './tool-step';

export type StopReason =
  | 'done' // the model answered without tools
  | 'length' // the answer hit max tokens
  | 'max-steps'
  | 'tool-loop'
  | 'stopped-by-user' // Stop in a confirmation
  | 'aborted' // the signal
  | 'error'; // the provider failed; `error` says how

export interface RunChatResult {
  thread: ThreadMessage[];
  stop: StopReason;
  error?: ProviderError;
  /** With "Allow for this chat" answers added; store them with the chat. */
  permissions: ChatPermissions;
}

export interface EngineContext {
  workspace: Workspace;
  checkpoints?: CheckpointPort | null;
  knowledge?: KnowledgeStore | null;
  index?: CodeIndexPort | null;
  /** Keeps @file, tools and the prompt's tree from walking the folder each time (createFileList). */
  files?: WorkspaceFileList | null;
  /** The model sees images. */
  multimodal?: boolean;
  /** An IDE that runs commands (the shell tool is offered only with one). */
  shell?: ShellPort | null;
}

export interface RunChatOptions {
  chatId: string;
  thread: readonly ThreadMessage[];
  mode: ChatMode;
  model: string;
  stream: StreamFn;
  context: EngineContext;
  /** The user's answer to a pause; resolved by the confirmation UI. */
  confirm: (pause: PauseRequest) => Promise<ConfirmDecision>;
  /** Default: the built-in tools; narrowed by mode and by what the context offers. */
  tools?: readonly Tool[];
  /** Default: writes ask. */
  rules?: ConfirmationRules;
  permissions?: ChatPermissions;
  onPermissionsChange?: (permissions: ChatPermissions) => void;
  onUpdate?: ChatEventListener;
  signal?: AbortSignal;
  /** Model calls in this run. Default 25. */
  maxSteps?: number;
  /** Same call, same result this many times stops the run. Default 3. */
  toolLoopLimit?: number;
  /** Compress the thread to n_ctx - max_new_tokens before each call. */
  budget?: { nCtx: number; maxNewTokens: number; counter: TokenCounter };
  temperature?: number;
  /** Replaces our system prompt. */
  systemPrompt?: string;
  /** The tree for the system prompt; default: rendered from the workspace. */
  projectTree?: string;
}

export const DEFAULT_MAX_STEPS = 25;
/** Lines of project tree in the system prompt. */
const PROMPT_TREE_LINES = 150;

/** Tool calls of the thread's last answer (this turn) that have no result yet. */
export function unansweredCalls(thread: readonly ThreadMessage[]): ToolCall[] {
  const from = lastUserIndex(thread) + 1;
  for (let i = thread.length - 1; i >= from; i--) {
    const m = thread[i]!;
    if (m.role !== 'assistant') continue;
    // An answer cut off by Stop or an error never finished its calls: they are not to run.
    if (m.finish_reason === 'abort' || m.finish_reason === 'error') return [];
    const answered = new Set(thread.slice(i + 1).flatMap((n) => answeredCallId(n) ?? []));
    return (m.tool_calls ?? []).filter((c) => !answered.has(c.id));
  }
  return [];
}

/** Our prompt for the mode, with a project tree when the model has tools. */
async function promptFor(options: RunChatOptions, ctx: ToolContext, tools: readonly Tool[]): Promise<string> {
  if (options.systemPrompt !== undefined) return options.systemPrompt;
  let projectTree = options.projectTree;
  if (projectTree === undefined && options.mode !== 'NO_TOOLS') {
    const files = await listWorkspaceFiles(ctx.workspace, ctx.files, ctx.signal).catch(() => []);
    projectTree = renderTreeWithin(files, PROMPT_TREE_LINES, { maxPerFolder: 30 });
  }
  const hasKnowledge = ctx.knowledge ? (await ctx.knowledge.list().catch(() => [])).length > 0 : false;
  return systemPrompt(options.mode, {
    workspaceName: ctx.workspace.name,
    workspaceSource: ctx.workspace.source,
    ...(projectTree === undefined ? {} : { projectTree }),
    toolNames: tools.map((t) => t.name),
    hasKnowledge,
  });
}

/** The request for the next model call, compressed to the budget when there is one. */
async function buildRequest(options: RunChatOptions, writer: ThreadWriter, prompt: string, specs: ToolSpec[]): Promise<ChatRequest> {
  let thread: readonly ThreadMessage[] = writer.thread;
  if (options.budget) {
    const fitted = await fitToBudget(thread, { ...options.budget, tools: specs, systemPrompt: prompt });
    thread = fitted.thread;
    writer.markCompressed(fitted.strength);
  }
  const request: ChatRequest = { model: options.model, messages: toProviderMessages(thread, { systemPrompt: prompt }) };
  if (specs.length > 0) request.tools = specs;
  if (options.budget) request.max_tokens = options.budget.maxNewTokens;
  if (options.temperature !== undefined) request.temperature = options.temperature;
  return request;
}

export async function runChat(options: RunChatOptions): Promise<RunChatResult> {
  const signal = options.signal ?? new AbortController().signal;
  const writer = new ThreadWriter(options.thread, options.onUpdate);
  let permissions = options.permissions ?? NO_PERMISSIONS;
  const finish = (stop: StopReason, error?: ProviderError): RunChatResult =>
    error ? { thread: writer.thread, stop, error, permissions } : { thread: writer.thread, stop, permissions };

  const { context } = options;
  const toolContext: ToolContext = {
    workspace: context.workspace,
    chatId: options.chatId,
    checkpoints: context.checkpoints ?? null,
    knowledge: context.knowledge ?? null,
    index: context.index ?? null,
    files: context.files ?? null,
    multimodal: context.multimodal ?? false,
    shell: context.shell ?? null,
    signal,
  };
  const tools = availableTools(toolsForMode(options.mode, options.tools ?? BUILTIN_TOOLS), toolContext);
  const rules = options.rules ?? defaultRules(tools);
  const specs = toolSpecs(tools);
  const prompt = await promptFor(options, toolContext, tools);
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;

  for (let steps = 0; ; steps++) {
    if (signal.aborted) return finish('aborted');

    const pending = unansweredCalls(writer.thread);
    if (pending.length > 0) {
      const step = await runToolStep(pending, { writer, tools, rules, permissions, confirm: options.confirm, context: toolContext });
      if (step.permissions !== permissions) {
        permissions = step.permissions;
        options.onPermissionsChange?.(permissions);
      }
      if (step.ended) return finish(step.ended);
      const loop = detectToolLoop(writer.thread, options.toolLoopLimit ?? DEFAULT_TOOL_LOOP_LIMIT);
      if (loop) {
        writer.append({ role: 'plain_text', content: toolLoopExplanation(loop) });
        return finish('tool-loop');
      }
    }

    if (steps >= maxSteps) {
      writer.append({ role: 'plain_text', content: `Stopped after ${maxSteps} model calls in one go. Send a message to let it continue.` });
      return finish('max-steps');
    }
    const answer = await streamAnswer(await buildRequest(options, writer, prompt, specs), options.stream, writer, signal);
    if (answer.ended === 'error') return finish('error', answer.error);
    if (answer.ended) return finish(answer.ended);
    if ((answer.answer.tool_calls?.length ?? 0) > 0) continue;
    return finish(answer.answer.finish_reason === 'length' ? 'length' : 'done');
  }
}
