import { optionalInteger, requireString } from './args';
import { ToolError, type Tool } from './types';

const NAME = 'knowledge';

/**
 * Finds saved memories (create_knowledge) relevant to a query: how this
 * project does things, what worked before.
 *
 * @example
 * await knowledge.run({ search_key: 'how to run the tests' }, ctx)
 */
export const knowledge: Tool = {
  name: NAME,
  description:
    'Search the memories saved for this project (conventions, how to build and test, past decisions). ' +
    'Use it at the start of a task.',
  parameters: {
    type: 'object',
    properties: {
      search_key: { type: 'string', description: 'What you want to know, in a few words.' },
      top_n: { type: 'integer', description: 'How many memories to return (1-20). Default 5.' },
    },
    required: ['search_key'],
  },
  kind: 'read',
  isAvailable: (ctx) => ctx.knowledge !== null,
  async run(args, ctx) {
    const query = requireString(NAME, args, 'search_key');
    const topN = optionalInteger(NAME, args, 'top_n', 5, { min: 1, max: 20 });
    if (!ctx.knowledge) throw new ToolError(NAME, 'no knowledge store is available in this session');
    const found = await ctx.knowledge.search(query, topN);
    if (found.length === 0) return { content: `No saved knowledge matches "${query}".` };
    const entries = found.map((e) => `### ${e.goal || 'memory'} (${e.id}${e.tags.length > 0 ? `; ${e.tags.join(', ')}` : ''})\n${e.content}`);
    return { content: `Knowledge matching "${query}":\n\n${entries.join('\n\n')}` };
  },
};
