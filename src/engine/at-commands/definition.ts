import { INDEX_NOT_AVAILABLE, locationsToContextFiles } from '../tools/code-index';
import { AtCommandError, type AtCommand } from './types';

/** @definition Symbol: where it is defined, from the AST index (code-intelligence issue). */
export const atDefinition: AtCommand = {
  name: '@definition',
  description: 'Attach the definition of a symbol',
  params: 'one',
  isAvailable: (ctx) => ctx.index?.definitions !== undefined,
  async execute(arg, ctx) {
    const definitions = ctx.index?.definitions?.bind(ctx.index);
    if (!definitions) throw new AtCommandError(INDEX_NOT_AVAILABLE);
    const found = await definitions(arg, ctx.signal ?? new AbortController().signal);
    if (found.length === 0) throw new AtCommandError(`no definition of "${arg}" found`);
    return { contextFiles: await locationsToContextFiles(ctx, found) };
  },
};
