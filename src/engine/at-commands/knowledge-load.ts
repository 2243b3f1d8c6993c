import { AtCommandError, type AtCommand } from './types';

const TOP_N = 5;

/** @knowledge-load [words...]: saved memories matching the words (the newest ones without words). */
export const atKnowledgeLoad: AtCommand = {
  name: '@knowledge-load',
  description: 'Attach saved knowledge',
  params: 'rest',
  isAvailable: (ctx) => Boolean(ctx.knowledge),
  isValid: async () => true,
  async execute(arg, ctx) {
    if (!ctx.knowledge) throw new AtCommandError('no knowledge store is available');
    const entries = arg.trim() === '' ? (await ctx.knowledge.list()).slice(0, TOP_N) : await ctx.knowledge.search(arg, TOP_N);
    if (entries.length === 0) throw new AtCommandError(arg.trim() === '' ? 'no knowledge has been saved yet' : `no saved knowledge matches "${arg}"`);
    const text = entries.map((e) => `### ${e.goal || 'memory'}\n${e.content}`).join('\n\n');
    return { plainText: `Saved knowledge:\n\n${text}` };
  },
};
