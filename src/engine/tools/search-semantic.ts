import { INDEX_NOT_AVAILABLE, locationList, locationsToContextFiles } from './code-index';
import { optionalInteger, stringList } from './args';
import { ToolError, type CodeLocation, type Tool } from './types';

const NAME = 'search_semantic';

/**
 * Code that means what the queries describe, from the vector index
 * (code-intelligence issue). Until an index port is given it says the index
 * is not available.
 *
 * @example
 * await searchSemantic.run({ queries: 'where passwords are hashed' }, ctx)
 */
export const searchSemantic: Tool = {
  name: NAME,
  description: 'Find code by meaning: describe what you are looking for in words.',
  parameters: {
    type: 'object',
    properties: {
      queries: { type: 'string', description: 'One or more descriptions, comma-separated, e.g. "password hashing, login form".' },
      top_n: { type: 'integer', description: 'Results per query (1-20). Default 5.' },
    },
    required: ['queries'],
  },
  kind: 'read',
  isAvailable: (ctx) => ctx.index?.semanticSearch !== undefined,
  async run(args, ctx) {
    const queries = stringList(NAME, args, 'queries');
    const topN = optionalInteger(NAME, args, 'top_n', 5, { min: 1, max: 20 });
    const search = ctx.index?.semanticSearch?.bind(ctx.index);
    if (!search) throw new ToolError(NAME, INDEX_NOT_AVAILABLE);
    const found: CodeLocation[] = [];
    for (const query of queries) found.push(...(await search(query, topN, ctx.signal)));
    if (found.length === 0) throw new ToolError(NAME, `nothing found for ${queries.join(', ')}; try search_pattern`);
    return { content: `Results:\n${locationList(found)}\n`, contextFiles: await locationsToContextFiles(ctx, found) };
  },
};
