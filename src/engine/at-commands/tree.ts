import { listWorkspaceFiles } from '../file-list';
import { renderTreeWithin } from '../project-tree';
import type { AtCommand } from './types';

/** Lines of tree @tree inserts. */
export const AT_TREE_LINES = 400;

/** @tree: the project's file tree (ignore rules applied) as plain text. */
export const atTree: AtCommand = {
  name: '@tree',
  description: 'Attach the project tree',
  params: 'none',
  async execute(_arg, ctx) {
    const files = await listWorkspaceFiles(ctx.workspace, ctx.files ?? null, ctx.signal);
    return { plainText: `Project tree of "${ctx.workspace.name}":\n${renderTreeWithin(files, AT_TREE_LINES)}` };
  },
};
