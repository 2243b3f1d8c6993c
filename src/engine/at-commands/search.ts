import { INDEX_NOT_AVAILABLE, locationsToContextFiles } from '../tools/code-index';
import { AtCommandError, type AtCommand } from './types';

const TOP_N = 5;

/** @search words...: code found by meaning, from the vector index (code-intelligence issue). */
export const atSearch: AtCommand = {
  name: '@search',
  description: 'Attach code found by meaning',
  params: 'rest',
  isAvailable: (ctx) => ctx.index?.semanticSearch !== undefined,
  async execute(arg, ctx) {
    const search = ctx.index?.semanticSearch?.bind(ctx.index);
    if (!search) throw new AtCommandError(INDEX_NOT_AVAILABLE);
    const found = await search(arg, TOP_N, ctx.signal ?? new AbortController().signal);
    if (found.length === 0) throw new AtCommandError(`nothing found for "${arg}"`);
    return { contextFiles: await locationsToContextFiles(ctx, found) };
  },
};
