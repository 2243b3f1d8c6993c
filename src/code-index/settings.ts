import { getSetting } from '../storage/db';
import { DEFAULT_MAX_FILES, MAX_FILES_SETTING, isPositiveInteger } from './limits';

/** The file cap the user set, or the default when unset, invalid or unreadable (the index and the Search page's settings read it). */
export function readMaxFilesSetting(): Promise<number> {
  return getSetting(MAX_FILES_SETTING, DEFAULT_MAX_FILES, isPositiveInteger).catch(() => DEFAULT_MAX_FILES);
}
