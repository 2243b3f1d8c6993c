import { INDEX_NOT_AVAILABLE, locationList, locationsToContextFiles } from './code-index';
import { stringList } from './args';
import { ToolError, type CodeLocation, type Tool } from './types';

const NAME = 'search_symbol_definition';

/**
 * Where symbols are defined, from the AST index (code-intelligence issue).
 * Until an index port is given it says the index is not available.
 *
 * @example
 * await searchSymbolDefinition.run({ symbols: 'UserService, parse_config' }, ctx)
 */
export const searchSymbolDefinition: Tool = {
  name: NAME,
  description: 'Find where functions, classes or other symbols are defined, and show their code.',
  parameters: {
    type: 'object',
    properties: { symbols: { type: 'string', description: 'Comma-separated symbol names, e.g. "UserService, parse_config".' } },
    required: ['symbols'],
  },
  kind: 'read',
  isAvailable: (ctx) => ctx.index?.definitions !== undefined,
  async run(args, ctx) {
    const symbols = stringList(NAME, args, 'symbols');
    const definitions = ctx.index?.definitions?.bind(ctx.index);
    if (!definitions) throw new ToolError(NAME, INDEX_NOT_AVAILABLE);
    const found: CodeLocation[] = [];
    const missing: string[] = [];
    for (const symbol of symbols) {
      const hits = await definitions(symbol, ctx.signal);
      if (hits.length === 0) missing.push(symbol);
      found.push(...hits);
    }
    if (found.length === 0) throw new ToolError(NAME, `no definitions found for ${missing.join(', ')}; try search_pattern`);
    let text = `Definitions:\n${locationList(found)}\n`;
    if (missing.length > 0) text += `\nNot found: ${missing.join(', ')}\n`;
    return { content: text, contextFiles: await locationsToContextFiles(ctx, found) };
  },
};
