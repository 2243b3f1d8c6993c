import { optionalString, requireString, stringList } from './args';
import { ToolError, type Tool } from './types';

const NAME = 'create_knowledge';

/**
 * Saves a memory for later chats in this project.
 *
 * @example
 * await createKnowledge.run({ goal: 'running tests', knowledge_entry: 'Run `npm test`; e2e needs chromium.' }, ctx)
 */
export const createKnowledge: Tool = {
  name: NAME,
  description:
    'Save a short memory for future chats in this project: a convention, a command that works, a decision and why. ' +
    'Do not save secrets.',
  parameters: {
    type: 'object',
    properties: {
      knowledge_entry: { type: 'string', description: 'The memory itself, self-contained.' },
      goal: { type: 'string', description: 'What it helps with, in a few words.' },
      tags: { type: 'string', description: 'Comma-separated keywords, e.g. "tests, ci".' },
    },
    required: ['knowledge_entry'],
  },
  kind: 'read', // changes no project file; it asks no confirmation, as in Refact
  isAvailable: (ctx) => ctx.knowledge !== null,
  async run(args, ctx) {
    const content = requireString(NAME, args, 'knowledge_entry');
    if (content.trim() === '') throw new ToolError(NAME, 'the argument "knowledge_entry" is empty');
    const goal = optionalString(NAME, args, 'goal');
    const tags = args.tags === undefined || args.tags === null || args.tags === '' ? [] : stringList(NAME, args, 'tags');
    if (!ctx.knowledge) throw new ToolError(NAME, 'no knowledge store is available in this session');
    const entry = await ctx.knowledge.add(goal === undefined ? { content, tags } : { content, goal, tags });
    return { content: `Saved the knowledge entry ${entry.id}.` };
  },
};
