/** The built-in tools, and which of them a mode and a session offer the model. */
import type { ToolSpec } from '../../providers/types';
import type { ChatMode } from '../modes';
import { cat } from './cat';
import { createKnowledge } from './create-knowledge';
import { createTextdoc } from './create-textdoc';
import { knowledge } from './knowledge';
import { mv } from './mv';
import { rm } from './rm';
import { searchPattern } from './search-pattern';
import { searchSemantic } from './search-semantic';
import { searchSymbolDefinition } from './search-symbol-definition';
import { searchSymbolUsages } from './search-symbol-usages';
import { shell } from './shell';
import { tree } from './tree';
import type { Tool, ToolContext } from './types';
import { updateTextdoc } from './update-textdoc';
import { updateTextdocByLines } from './update-textdoc-by-lines';
import { updateTextdocRegex } from './update-textdoc-regex';

export type { CheckpointPort, CodeIndexPort, CodeLocation, ShellPort, Tool, ToolContext, ToolKind, ToolOutcome } from './types';
export { ToolError } from './types';

export const BUILTIN_TOOLS: readonly Tool[] = [
  tree,
  cat,
  searchPattern,
  searchSymbolDefinition,
  searchSymbolUsages,
  searchSemantic,
  knowledge,
  createKnowledge,
  createTextdoc,
  updateTextdoc,
  updateTextdocByLines,
  updateTextdocRegex,
  rm,
  mv,
  shell,
];

/** NO_TOOLS: none; EXPLORE: the read tools; AGENT: all. */
export function toolsForMode(mode: ChatMode, tools: readonly Tool[] = BUILTIN_TOOLS): Tool[] {
  if (mode === 'NO_TOOLS') return [];
  if (mode === 'EXPLORE') return tools.filter((t) => t.kind === 'read');
  return [...tools];
}

/** Tools that can work in this session (e.g. index tools only once there is an index). */
export function availableTools(tools: readonly Tool[], ctx: Pick<ToolContext, 'index' | 'knowledge' | 'shell'>): Tool[] {
  return tools.filter((t) => t.isAvailable?.(ctx) ?? true);
}

/** The OpenAI-style tool list for a request (seeds: /v1/tools). */
export function toolSpecs(tools: readonly Tool[]): ToolSpec[] {
  return tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
}
