import { optionalString, requireString } from './args';
import { ToolError, type Tool } from './types';

const NAME = 'shell';
/** Long enough for a test run or a build step; the IDE stops the command after it. */
const TIMEOUT_MS = 120_000;
/** The model gets the start and the end of long output. */
const MAX_OUTPUT_CHARS = 20_000;

/**
 * Runs a command in the workspace folder through the IDE host (desktop VS
 * Code: a terminal task), after the user confirms there. Offered only where
 * the host says it can run commands; never in a plain tab or a web IDE
 * without a terminal.
 *
 * @example
 * await shell.run({ command: 'npm test', workdir: 'packages/api' }, ctx)
 */
export const shell: Tool = {
  name: NAME,
  description:
    'Run a shell command in the project folder (or a folder under it) in the IDE, after the user confirms. Returns the exit code and the output. Use for tests, builds and git status; not for editing files.',
  parameters: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'The command line to run.' },
      workdir: { type: 'string', description: 'Folder relative to the project root to run in. Default: the root.' },
    },
    required: ['command'],
  },
  kind: 'write',
  isAvailable: (ctx) => Boolean(ctx.shell),
  async run(args, ctx) {
    if (!ctx.shell) throw new ToolError(NAME, 'this IDE cannot run commands');
    const command = requireString(NAME, args, 'command').trim();
    if (command === '') throw new ToolError(NAME, 'the command is empty');
    const workdir = optionalString(NAME, args, 'workdir');
    const result = await ctx.shell.run({ command, ...(workdir ? { cwd: workdir } : {}), timeoutMs: TIMEOUT_MS }, () => undefined, ctx.signal);
    if (result.declined) throw new ToolError(NAME, `the user declined to run "${command}"`);
    const output = clip(result.output);
    const status = result.timedOut ? `stopped after ${TIMEOUT_MS / 1000} s (timeout)` : `exit code ${result.exitCode ?? 'unknown'}`;
    return { content: `$ ${command}\n${output}${output.endsWith('\n') || output === '' ? '' : '\n'}[${status}]` };
  },
};

function clip(output: string): string {
  if (output.length <= MAX_OUTPUT_CHARS) return output;
  const half = MAX_OUTPUT_CHARS / 2;
  return `${output.slice(0, half)}\n… ${output.length - MAX_OUTPUT_CHARS} characters left out …\n${output.slice(-half)}`;
}
