import { listWorkspaceFiles } from '../file-list';
import { renderTreeWithin } from '../project-tree';
import { INDEX_NOT_AVAILABLE } from '../tools/code-index';
import { AtCommandError, type AtCommand } from './types';

/** Lines of tree @tree inserts. */
export const AT_TREE_LINES = 400;
/** Lines of outlines `@tree --ast` adds after the tree; files past it are counted, not outlined. */
export const AT_TREE_AST_LINES = 1200;

const AST_FLAG = '--ast';

/**
 * @tree: the project's file tree (ignore rules applied) as plain text.
 * @tree --ast: the tree, then each indexed file's outline (definitions with
 * their line ranges, from the AST index) in tree order, as far as the budget
 * goes.
 */
export const atTree: AtCommand = {
  name: '@tree',
  description: 'Attach the project tree (--ast: with each file\u2019s symbols)',
  params: 'none',
  flags: [AST_FLAG],
  async execute(arg, ctx) {
    const files = await listWorkspaceFiles(ctx.workspace, ctx.files ?? null, ctx.signal);
    const tree = `Project tree of "${ctx.workspace.name}":\n${renderTreeWithin(files, AT_TREE_LINES)}`;
    if (arg !== AST_FLAG) return { plainText: tree };
    const skeleton = ctx.index?.skeleton?.bind(ctx.index);
    if (!skeleton) throw new AtCommandError(INDEX_NOT_AVAILABLE);
    const signal = ctx.signal ?? new AbortController().signal;
    const outlines: string[] = [];
    let lines = 0;
    let notShown = 0;
    for (const path of [...files].sort()) {
      if (lines >= AT_TREE_AST_LINES) {
        notShown++;
        continue;
      }
      const outline = await skeleton(path, signal);
      // A file with no definitions (or not indexed) adds nothing but its name, which the tree has.
      if (!outline || !outline.includes('\n')) continue;
      const outlineLines = outline.split('\n');
      if (lines + outlineLines.length > AT_TREE_AST_LINES) {
        notShown++;
        lines = AT_TREE_AST_LINES;
        continue;
      }
      outlines.push(outline);
      lines += outlineLines.length;
    }
    if (outlines.length === 0) return { plainText: `${tree}\n\nNo symbols indexed yet.` };
    const more = notShown > 0 ? `\n... ${notShown} more files not outlined` : '';
    return { plainText: `${tree}\n\nSymbols (AST):\n${outlines.join('\n')}${more}` };
  },
};
