/**
 * The rule every workspace path from the app passes (no runtime import of
 * 'vscode', so the shell runner's tests use the real rule).
 */
import { HostError } from './wire';

/** The path's segments, '.' and empty ones skipped; throws 'bad-request' for a path that could leave the root. */
export function splitWorkspacePath(path: string): string[] {
  const refuse = (why: string): never => {
    throw new HostError('bad-request', `refused path ${JSON.stringify(path)}: ${why}`);
  };
  if (path.startsWith('/')) refuse('absolute paths are not workspace paths');
  if (/^[a-zA-Z]:/.test(path)) refuse('drive letters are not workspace paths');
  if (path.includes('\\')) refuse("use '/' between folders");
  if (/[\u0000-\u001f]/.test(path)) refuse('control characters');
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) refuse("'..' leaves the workspace");
  return segments;
}
