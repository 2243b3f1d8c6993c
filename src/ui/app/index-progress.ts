import type { CodeIndexStatus } from '../../code-index/types';

/**
 * What the code index is doing, in words, for the status bar and the Search
 * page. A first pass has two phases: definitions are found quickly (and can be
 * searched at once), then files are parsed for usages.
 */
export function indexPhaseText(status: CodeIndexStatus): string {
  if (status.phase === 'definitions') return `Finding definitions ${status.done}/${status.total}`;
  const counted = `${status.done}/${status.total}`;
  return status.quick > 0 ? `Definitions ready · parsing for usages ${counted}` : `Parsing ${counted}`;
}
