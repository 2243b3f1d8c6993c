import { INDEX_NOT_AVAILABLE, locationsToContextFiles } from '../tools/code-index';
import { AtCommandError, type AtCommand } from './types';

const MAX_REFERENCES = 10;

/** @references Symbol: where it is used, from the AST index (code-intelligence issue). */
export const atReferences: AtCommand = {
  name: '@references',
  description: 'Attach the places a symbol is used',
  params: 'one',
  isAvailable: (ctx) => ctx.index?.references !== undefined,
  async execute(arg, ctx) {
    const references = ctx.index?.references?.bind(ctx.index);
    if (!references) throw new AtCommandError(INDEX_NOT_AVAILABLE);
    const found = await references(arg, ctx.signal ?? new AbortController().signal);
    if (found.length === 0) throw new AtCommandError(`no references to "${arg}" found`);
    return { contextFiles: await locationsToContextFiles(ctx, found.slice(0, MAX_REFERENCES)) };
  },
};
