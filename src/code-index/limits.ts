/**
 * The limits the code indexes (AST and semantic) share. No imports: the embed
 * worker and the app shell take these without loading an index or storage.
 */

/** The setting that caps how many files an index takes (a number). */
export const MAX_FILES_SETTING = 'codeIndex.maxFiles';
export const DEFAULT_MAX_FILES = 20_000;
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
