/**
 * @-command completion and preview in Refact's shapes. Completion looks at
 * the line under the cursor: typing "@fi" offers command names, "@file src/ap"
 * offers paths; `replace` is the span a picked completion replaces (it ends
 * in a space, as Refact's do). Preview runs every command in the message and
 * returns the context_file / plain_text messages to insert before it, plus
 * highlights saying which commands worked.
 */
import type { ContextFileMessage, PlainTextMessage, ChatContextFile } from '../messages';
import { atDefinition } from './definition';
import { atFile } from './file';
import { atKnowledgeLoad } from './knowledge-load';
import { atReferences } from './references';
import { atSearch } from './search';
import { atTree } from './tree';
import type { AtCommand, AtCommandContext, CommandCompletionResponse, CommandPreviewResponse, Highlight } from './types';
import { AtCommandError } from './types';
import { linesOf, wordsOf, type Word } from './words';

export type { AtCommand, AtCommandContext, AtCommandOutput, CommandCompletionResponse, CommandPreviewResponse, Highlight } from './types';
export { AtCommandError } from './types';

export const AT_COMMANDS: readonly AtCommand[] = [atFile, atTree, atDefinition, atReferences, atSearch, atKnowledgeLoad];

const NOTHING: CommandCompletionResponse = { completions: [], replace: [-1, -1], is_cmd_executable: false };

function available(commands: readonly AtCommand[], ctx: AtCommandContext): AtCommand[] {
  return commands.filter((c) => c.isAvailable?.(ctx) ?? true);
}

async function isValid(command: AtCommand, arg: string, ctx: AtCommandContext): Promise<boolean> {
  return command.isValid ? command.isValid(arg, ctx) : arg.trim() !== '';
}

export interface CompletionOptions {
  topN?: number;
  commands?: readonly AtCommand[];
}

export async function atCommandCompletion(
  text: string,
  cursor: number,
  ctx: AtCommandContext,
  options: CompletionOptions = {},
): Promise<CommandCompletionResponse> {
  const topN = options.topN ?? 5;
  const commands = available(options.commands ?? AT_COMMANDS, ctx);
  if (cursor < 0 || cursor > text.length) return NOTHING;
  const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
  const words = wordsOf(text.slice(lineStart, cursor), lineStart);
  let at = -1;
  for (let i = words.length - 1; i >= 0; i--) {
    if (words[i]!.text.startsWith('@')) {
      at = i;
      break;
    }
  }
  if (at < 0) return NOTHING;
  const word = words[at]!;
  const args = words.slice(at + 1);
  const typingCommand = args.length === 0 && word.pos2 === cursor;
  const command = commands.find((c) => c.name === word.text);

  if (typingCommand) {
    const names = commands.map((c) => c.name).filter((n) => n.startsWith(word.text));
    if (names.length === 0) return NOTHING;
    return { completions: names.slice(0, topN).map((n) => `${n} `), replace: [word.pos1, cursor], is_cmd_executable: command?.params === 'none' };
  }
  if (!command) return NOTHING;
  if (command.params === 'none') {
    // A flag being typed right after the name ("@tree --a") completes like an argument.
    const flag = args[0];
    const flags = command.flags ?? [];
    if (args.length === 1 && flag!.pos2 === cursor && flag!.text.startsWith('-') && !flags.includes(flag!.text)) {
      const matching = flags.filter((f) => f.startsWith(flag!.text));
      return { completions: matching.map((f) => `${f} `), replace: [flag!.pos1, cursor], is_cmd_executable: true };
    }
    return { completions: [], replace: [-1, -1], is_cmd_executable: true };
  }
  if (command.params === 'rest') {
    const rest = text.slice(word.pos2, cursor).trim();
    return { completions: [], replace: [-1, -1], is_cmd_executable: await isValid(command, rest, ctx) };
  }
  // One argument: being typed (the cursor is at its end), about to be typed (after the space), or done.
  const arg: Word | undefined = args[0];
  if (args.length > 1 || (arg && arg.pos2 !== cursor)) return { ...NOTHING, is_cmd_executable: arg ? await isValid(command, arg.text, ctx) : false };
  const typed = arg?.text ?? '';
  const valid = typed !== '' && (await isValid(command, typed, ctx));
  if (valid) return { completions: [], replace: [-1, -1], is_cmd_executable: true };
  const completions = (await command.complete?.(typed, ctx, topN)) ?? [];
  return {
    completions: completions.map((c) => `${c} `),
    replace: arg ? [arg.pos1, cursor] : [cursor, cursor],
    is_cmd_executable: false,
  };
}

interface FoundCommand {
  command: AtCommand;
  word: Word;
  arg: string;
  /** End of the command and its argument. */
  end: number;
}

/** Every known @-command in the text, with its argument. */
export function findAtCommands(text: string, commands: readonly AtCommand[] = AT_COMMANDS): FoundCommand[] {
  const found: FoundCommand[] = [];
  for (const { line, offset } of linesOf(text)) {
    const words = wordsOf(line, offset);
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      const command = commands.find((c) => c.name === word.text);
      if (!command) continue;
      if (command.params === 'none') {
        const next = words[i + 1];
        if (next && command.flags?.includes(next.text)) {
          found.push({ command, word, arg: next.text, end: next.pos2 });
          i++;
        } else found.push({ command, word, arg: '', end: word.pos2 });
      }
      else if (command.params === 'one') {
        const next = words[i + 1];
        found.push({ command, word, arg: next?.text ?? '', end: next?.pos2 ?? word.pos2 });
        if (next) i++;
      } else {
        const rest = line.slice(word.pos2 - offset);
        found.push({ command, word, arg: rest.trim(), end: offset + line.length });
        break;
      }
    }
  }
  return found;
}

/**
 * Runs the message's @-commands: the messages to insert before the user's
 * message (all context files in one context_file message, after any plain
 * text), and a highlight per command.
 */
export async function atCommandPreview(
  text: string,
  ctx: AtCommandContext,
  options: { commands?: readonly AtCommand[] } = {},
): Promise<CommandPreviewResponse> {
  const highlight: Highlight[] = [];
  const plain: PlainTextMessage[] = [];
  const files: ChatContextFile[] = [];
  for (const found of findAtCommands(text, options.commands ?? AT_COMMANDS)) {
    const { command, word, arg, end } = found;
    try {
      if (command.params !== 'none' && command.params !== 'rest' && arg === '') throw new AtCommandError(`${command.name} needs an argument`);
      const out = await command.execute(arg, ctx);
      if (out.plainText) plain.push({ role: 'plain_text', content: out.plainText });
      for (const file of out.contextFiles ?? []) {
        // The same file twice (two @file lines) is sent once.
        if (!files.some((f) => f.file_name === file.file_name && f.line1 === file.line1 && f.line2 === file.line2)) files.push(file);
      }
      highlight.push({ kind: 'cmd', pos1: word.pos1, pos2: end, ok: true, reason: '' });
    } catch (error) {
      if (ctx.signal?.aborted || !(error instanceof Error)) throw error;
      highlight.push({ kind: 'cmd', pos1: word.pos1, pos2: end, ok: false, reason: error.message });
    }
  }
  const messages: (ContextFileMessage | PlainTextMessage)[] = [...plain];
  if (files.length > 0) messages.push({ role: 'context_file', content: files });
  return { messages, highlight };
}
