import { INDEX_NOT_AVAILABLE, locationList, locationsToContextFiles } from './code-index';
import { stringList } from './args';
import { ToolError, type CodeLocation, type Tool } from './types';

const NAME = 'search_symbol_usages';
const MAX_USAGES = 50;

/**
 * Where symbols are used, from the AST index (code-intelligence issue).
 * Until an index port is given it says the index is not available.
 *
 * @example
 * await searchSymbolUsages.run({ symbols: 'parse_config' }, ctx)
 */
export const searchSymbolUsages: Tool = {
  name: NAME,
  description: 'Find where functions, classes or other symbols are used.',
  parameters: {
    type: 'object',
    properties: { symbols: { type: 'string', description: 'Comma-separated symbol names.' } },
    required: ['symbols'],
  },
  kind: 'read',
  isAvailable: (ctx) => ctx.index?.references !== undefined,
  async run(args, ctx) {
    const symbols = stringList(NAME, args, 'symbols');
    const references = ctx.index?.references?.bind(ctx.index);
    if (!references) throw new ToolError(NAME, INDEX_NOT_AVAILABLE);
    const found: CodeLocation[] = [];
    for (const symbol of symbols) found.push(...(await references(symbol, ctx.signal)));
    if (found.length === 0) throw new ToolError(NAME, `no usages found for ${symbols.join(', ')}; try search_pattern`);
    const shown = found.slice(0, MAX_USAGES);
    const more = found.length > shown.length ? `\n... and ${found.length - shown.length} more` : '';
    return { content: `Usages:\n${locationList(shown)}${more}\n`, contextFiles: await locationsToContextFiles(ctx, shown.slice(0, 10)) };
  },
};
