/**
 * Chat modes: NO_TOOLS answers from the conversation alone; EXPLORE may read
 * and search the project; AGENT may also change it (with confirmation).
 */
export type ChatMode = 'NO_TOOLS' | 'EXPLORE' | 'AGENT';

export const CHAT_MODES: readonly ChatMode[] = ['NO_TOOLS', 'EXPLORE', 'AGENT'];

export function isChatMode(value: unknown): value is ChatMode {
  return value === 'NO_TOOLS' || value === 'EXPLORE' || value === 'AGENT';
}
