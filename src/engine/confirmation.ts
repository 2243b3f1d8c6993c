/**
 * Which tool calls need the user's say-so before they run, in Refact's shape
 * (POST /v1/tools/check_confirmation -> { pause, pause_reasons }).
 *
 * Rules are glob patterns over a call's command (for our tools, the tool
 * name): `deny` refuses, `ask` pauses. By default every write tool asks and
 * reads do not. Per chat, the user can turn on automatic patch (edits to file
 * contents run without asking, Refact's PATCH_LIKE_FUNCTIONS) and "allow for
 * this chat" remembers the commands they allowed.
 */
import type { ToolCall } from '../providers/types';
import { parseToolCallArguments } from '../inference/tool-calls';
import type { Tool } from './tools/types';

export interface PauseReason {
  type: 'confirmation' | 'denial';
  command: string;
  /** The rule that matched, e.g. "update_textdoc*". */
  rule: string;
  tool_call_id: string;
  /** Refact points at an integration's config here; our tools have none. */
  integr_config_path: string | null;
}

export interface ConfirmationCheck {
  /** True when any call needs confirmation or is denied. */
  pause: boolean;
  pause_reasons: PauseReason[];
}

export interface ConfirmationRules {
  ask: string[];
  deny: string[];
}

export interface ChatPermissions {
  /** Edits to file contents run without asking. */
  automaticPatch: boolean;
  /** Commands the user chose "Allow for this chat" for. */
  allowedForChat: string[];
}

/** The user's answer to a pause. */
export type ConfirmDecision = 'allow-once' | 'allow-chat' | 'stop';

/** Refact's list: these run without asking while the chat's automatic patch is on. */
export const PATCH_LIKE_FUNCTIONS: readonly string[] = [
  'patch',
  'text_edit',
  'create_textdoc',
  'update_textdoc',
  'replace_textdoc',
  'update_textdoc_regex',
  'update_textdoc_by_lines',
];

export const NO_PERMISSIONS: ChatPermissions = { automaticPatch: false, allowedForChat: [] };

/** Writes ask, reads do not. */
export function defaultRules(tools: readonly Tool[]): ConfirmationRules {
  return { ask: tools.filter((t) => t.kind === 'write').map((t) => t.name), deny: [] };
}

export function globMatches(pattern: string, command: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(command);
}

function isPatchLike(call: ToolCall, tool: Tool | undefined): boolean {
  return tool?.patchLike === true || PATCH_LIKE_FUNCTIONS.includes(call.function.name);
}

export interface ConfirmationRequest {
  tool_calls: readonly ToolCall[];
  tools: readonly Tool[];
  rules: ConfirmationRules;
  permissions: ChatPermissions;
}

/**
 * The pause reasons for a batch of calls. Calls that cannot run anyway
 * (unknown tool, arguments that are not JSON) never pause: the loop answers
 * them with an error instead, as refact-lsp does.
 */
export function checkConfirmation({ tool_calls, tools, rules, permissions }: ConfirmationRequest): ConfirmationCheck {
  const reasons: PauseReason[] = [];
  for (const call of tool_calls) {
    const tool = tools.find((t) => t.name === call.function.name);
    if (!tool || !parseToolCallArguments(call.function.arguments).ok) continue;
    const command = call.function.name;
    const reason = (type: PauseReason['type'], rule: string): PauseReason => ({
      type,
      command,
      rule,
      tool_call_id: call.id,
      integr_config_path: null,
    });
    const denied = rules.deny.find((p) => globMatches(p, command));
    if (denied !== undefined) {
      reasons.push(reason('denial', denied));
      continue;
    }
    if (permissions.allowedForChat.includes(command)) continue;
    if (permissions.automaticPatch && isPatchLike(call, tool)) continue;
    const asked = rules.ask.find((p) => globMatches(p, command));
    if (asked !== undefined) reasons.push(reason('confirmation', asked));
  }
  return { pause: reasons.length > 0, pause_reasons: reasons };
}

/** The chat's permissions after the user's answer: "allow for this chat" remembers the paused commands. */
export function applyDecision(permissions: ChatPermissions, reasons: readonly PauseReason[], decision: ConfirmDecision): ChatPermissions {
  if (decision !== 'allow-chat') return permissions;
  const commands = reasons.filter((r) => r.type === 'confirmation').map((r) => r.command);
  return { ...permissions, allowedForChat: [...new Set([...permissions.allowedForChat, ...commands])] };
}

export function isChatPermissions(value: unknown): value is ChatPermissions {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.automaticPatch === 'boolean' && Array.isArray(v.allowedForChat) && v.allowedForChat.every((c) => typeof c === 'string');
}
