/**
 * Our own system prompts, one per mode, carrying what the model should know
 * about the workspace: its name, where it lives, and (with tools) a project
 * tree. Short on purpose: small local models have 4k-32k tokens of context.
 */
import type { ChatMode } from './modes';

export interface PromptContext {
  workspaceName: string;
  /** 'picked' folder, 'opfs' copy, or 'host' (IDE). */
  workspaceSource?: string;
  /** From renderTree; left out when absent or empty. */
  projectTree?: string;
  /** Names of the tools the model may call. */
  toolNames: readonly string[];
  /** Saved knowledge exists: say so, so the model looks it up. */
  hasKnowledge?: boolean;
}

const SOURCES: Record<string, string> = {
  picked: 'a folder on the user\'s disk, opened in the browser',
  opfs: 'a copy of the user\'s folder kept in the browser (edits stay in the browser until exported)',
  host: 'the folder open in the user\'s IDE',
};

function workspaceSection(ctx: PromptContext, withTree: boolean): string {
  const lines = [`The user's project is "${ctx.workspaceName}"${ctx.workspaceSource && SOURCES[ctx.workspaceSource] ? `, ${SOURCES[ctx.workspaceSource]}` : ''}.`];
  lines.push('All paths are relative to the project root, e.g. "src/main.ts".');
  if (withTree && ctx.projectTree && ctx.projectTree.trim() !== '') {
    lines.push('', 'Project files (ignored files left out; "name/ (N files)" is a folder not opened):', '```', ctx.projectTree, '```');
  }
  return lines.join('\n');
}

const ANSWER_STYLE = 'Answer in Markdown. Put code in fenced blocks with a language. Be concise.';

export function systemPrompt(mode: ChatMode, ctx: PromptContext): string {
  const has = (name: string) => ctx.toolNames.includes(name);
  if (mode === 'NO_TOOLS') {
    return [
      'You are Refact, a coding assistant running in the user\'s browser.',
      workspaceSection(ctx, false),
      'You cannot read or change the project\'s files in this mode; work with what the user shows you.',
      ANSWER_STYLE,
    ].join('\n\n');
  }
  const reading = [
    has('tree') && 'tree to see the project layout',
    has('search_pattern') && 'search_pattern to find text or files',
    has('search_symbol_definition') && 'search_symbol_definition to find where a symbol is defined',
    has('search_semantic') && 'search_semantic to find code by meaning',
    has('cat') && 'cat to read files (path:10-20 for a range)',
  ].filter(Boolean);
  const rules = [
    `Look at the code before you answer: use ${reading.join(', ')}.`,
    ctx.hasKnowledge && has('knowledge') ? 'Saved knowledge about this project exists: check it with the knowledge tool first.' : '',
    'Do not guess file contents or paths; read them.',
  ];
  if (mode === 'EXPLORE') {
    return [
      'You are Refact, a coding assistant running in the user\'s browser. You explore and explain code.',
      workspaceSection(ctx, true),
      rules.filter(Boolean).join('\n'),
      'You cannot change files in this mode. When changes are needed, show them as code blocks and say that Agent mode can apply them.',
      ANSWER_STYLE,
    ].join('\n\n');
  }
  return [
    'You are Refact Agent, an autonomous coding assistant running in the user\'s browser. You solve the task by reading and changing the project\'s files with tools.',
    workspaceSection(ctx, true),
    [
      ...rules.filter(Boolean),
      'Before changing a file, cat it. Change existing files with update_textdoc (exact old_str copied from the file); create files with create_textdoc.',
      'Make the smallest change that solves the task, and keep the file\'s style.',
      'The user may be asked to confirm a change; if they decline, do not try it again another way.',
      'When the task is done, stop calling tools and summarize what you changed in a few lines.',
    ].join('\n'),
    ANSWER_STYLE,
  ].join('\n\n');
}
