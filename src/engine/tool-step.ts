/**
 * One tool step of the loop: the calls of the model's last answer are read
 * (bad JSON and unknown tools are answered with an error the model can act
 * on), the ones the rules pause are put to the user in one question, then
 * they run in order. Results are appended as they finish; the context files
 * of the step come after all of them.
 */
import type { ToolCall } from '../providers/types';
import { parseToolCallArguments } from '../inference/tool-calls';
import { applyDecision, checkConfirmation, type ChatPermissions, type ConfirmationRules, type ConfirmDecision, type PauseReason } from './confirmation';
import type { ChatContextFile, ToolMessage } from './messages';
import type { ThreadWriter } from './thread-writer';
import { ToolError, type Tool, type ToolContext } from './tools/types';

export const DECLINED_RESULT = 'The user declined this tool call. Do not try it again another way; ask the user what to do instead.';
export const STOPPED_RESULT = 'Not run: the user stopped the chat.';

/** What the user is asked (seeds: ToolConfirmation): the calls and why they pause. */
export interface PauseRequest {
  pause: true;
  pause_reasons: PauseReason[];
  tool_calls: ToolCall[];
}

export interface ToolStepEnv {
  writer: ThreadWriter;
  tools: readonly Tool[];
  rules: ConfirmationRules;
  permissions: ChatPermissions;
  confirm: (pause: PauseRequest) => Promise<ConfirmDecision>;
  context: ToolContext;
}

export type ToolStepResult =
  | { ended: null; permissions: ChatPermissions }
  | { ended: 'aborted' | 'stopped-by-user'; permissions: ChatPermissions };

type Planned = { call: ToolCall; tool: Tool; args: Record<string, unknown> } | { call: ToolCall; error: string };

export function isAbortError(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error as { name?: unknown } | null)?.name === 'AbortError';
}

function failed(call: ToolCall, content: string): ToolMessage {
  return { role: 'tool', content: { tool_call_id: call.id, content, tool_failed: true } };
}

function plan(call: ToolCall, tools: readonly Tool[]): Planned {
  const parsed = parseToolCallArguments(call.function.arguments);
  if (!parsed.ok) return { call, error: parsed.error };
  const tool = tools.find((t) => t.name === call.function.name);
  if (tool) return { call, tool, args: parsed.value };
  const known = tools.map((t) => t.name).join(', ');
  const what = call.function.name === '' ? 'a tool call without a name' : `unknown tool "${call.function.name}"`;
  return { call, error: `${what}; ${known === '' ? 'no tools are available in this mode' : `available tools: ${known}`}` };
}

/** Resolves with the promise, or rejects when the signal fires first. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Asks about the paused calls; null when nothing paused. */
async function askUser(env: ToolStepEnv, calls: readonly ToolCall[], asking: PauseReason[]): Promise<ConfirmDecision | null> {
  if (asking.length === 0) return null;
  env.writer.status({ kind: 'paused', pause_reasons: asking });
  const asked = new Set(asking.map((r) => r.tool_call_id));
  return raceAbort(env.confirm({ pause: true, pause_reasons: asking, tool_calls: calls.filter((c) => asked.has(c.id)) }), env.context.signal);
}

export async function runToolStep(calls: readonly ToolCall[], env: ToolStepEnv): Promise<ToolStepResult> {
  const { writer, context } = env;
  const { signal } = context;
  let permissions = env.permissions;
  const planned = calls.map((call) => plan(call, env.tools));
  const check = checkConfirmation({ tool_calls: calls, tools: env.tools, rules: env.rules, permissions });
  const denied = new Map(check.pause_reasons.filter((r) => r.type === 'denial').map((r) => [r.tool_call_id, r]));
  const asking = check.pause_reasons.filter((r) => r.type === 'confirmation');

  let decision: ConfirmDecision | null;
  try {
    decision = await askUser(env, calls, asking);
  } catch (error) {
    if (isAbortError(error, signal)) return { ended: 'aborted', permissions };
    throw error;
  }
  if (decision === 'stop') {
    const asked = new Set(asking.map((r) => r.tool_call_id));
    for (const call of calls) writer.append(failed(call, asked.has(call.id) ? DECLINED_RESULT : STOPPED_RESULT));
    return { ended: 'stopped-by-user', permissions };
  }
  if (decision) permissions = applyDecision(permissions, asking, decision);

  const contextFiles: ChatContextFile[] = [];
  // A user-role message inside the run of results would break the request: context files go after all of them.
  const flushContextFiles = () => {
    if (contextFiles.length > 0) writer.append({ role: 'context_file', content: contextFiles });
  };
  for (const step of planned) {
    if ('error' in step) {
      writer.append(failed(step.call, step.error));
      continue;
    }
    const denial = denied.get(step.call.id);
    if (denial) {
      writer.append(failed(step.call, `${step.tool.name}: refused by the rule "${denial.rule}"; this call is not allowed`));
      continue;
    }
    if (signal.aborted) break;
    writer.status({ kind: 'running-tool', toolCallId: step.call.id, name: step.tool.name });
    try {
      const outcome = await step.tool.run(step.args, context);
      if (outcome.checkpoint) writer.attachCheckpoint(outcome.checkpoint);
      if (outcome.diff) writer.append({ role: 'diff', content: outcome.diff, tool_call_id: step.call.id });
      else writer.append({ role: 'tool', content: { tool_call_id: step.call.id, content: outcome.content } });
      contextFiles.push(...(outcome.contextFiles ?? []));
    } catch (error) {
      if (isAbortError(error, signal)) break;
      const reason = error instanceof Error ? error.message : String(error);
      writer.append(failed(step.call, error instanceof ToolError ? reason : `${step.tool.name}: ${reason}`));
    }
  }
  flushContextFiles();
  return { ended: signal.aborted ? 'aborted' : null, permissions };
}
