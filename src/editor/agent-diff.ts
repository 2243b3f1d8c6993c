/**
 * "Open in editor" for a change the agent made: the file opens with the
 * change shown as a unified merge view (the text before it as the original),
 * each hunk with Keep / Revert. The text before is the file now with the
 * chat's diff hunks applied in reverse (jsdiff); when the file changed since,
 * so that they no longer apply, the caller is told why.
 */
import { applyPatch, parsePatch, reversePatch } from 'diff';
import type { DiffChunk } from '../engine/messages';

/** The file's text before the agent's change, or an error saying why it cannot be rebuilt. */
export function textBeforeChange(current: string, chunks: readonly DiffChunk[]): { ok: true; text: string } | { ok: false; reason: string } {
  const file = chunks[0]?.file_name ?? 'file';
  if (chunks.some((c) => c.file_action === 'A')) return { ok: true, text: '' };
  const crlf = current.includes('\r\n');
  const lf = crlf ? current.replace(/\r\n/g, '\n') : current;
  const patchText = `--- a/${file}\n+++ b/${file}\n${chunks.map((c) => (c.chunks.endsWith('\n') ? c.chunks : `${c.chunks}\n`)).join('')}`;
  let before: string | false;
  try {
    const [patch] = parsePatch(patchText);
    if (!patch) return { ok: false, reason: 'the diff has no hunks' };
    before = applyPatch(lf, reversePatch(patch));
  } catch (error) {
    return { ok: false, reason: `the diff could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
  if (before === false) return { ok: false, reason: `"${file}" changed since the agent's edit, so its diff no longer applies` };
  return { ok: true, text: crlf ? before.replace(/\n/g, '\r\n') : before };
}
