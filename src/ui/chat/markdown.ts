import MarkdownIt from 'markdown-it';
import { escapeHtml, highlightCode } from './code-highlight';
import { chatId } from '../../state/chat';
import { hostChannel } from '../../state/host';

/**
 * Model output as Markdown, safely: `html: false` makes markdown-it escape any
 * HTML the model writes, links are limited to http(s)/mailto by markdown-it's
 * validateLink, and images become plain links, because loading a remote image
 * would leak the conversation's existence to that server (and COEP blocks it).
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx]!;
  const src = String(token.attrGet('src') ?? '');
  const alt = token.children?.map((c) => c.content).join('') || src;
  return `<a href="${md.utils.escapeHtml(src)}" target="_blank" rel="noopener noreferrer">${md.utils.escapeHtml(alt)}</a>`;
};

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('target', '_blank');
  tokens[idx]!.attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx]!;
  const lang = token.info.trim().split(/\s+/)[0] ?? '';
  return (
    `<div class="code-block"><div class="code-block-bar"><span>${md.utils.escapeHtml(lang)}</span>` +
    `<button type="button" class="copy" data-copy>Copy</button>` +
    // Shown only inside an IDE (theme.css, :root[data-host]): the code goes to its editor.
    `<button type="button" class="ide-only" data-insert title="Put this code into the active editor, as an edit to review">Insert</button>` +
    `<button type="button" class="ide-only" data-newfile title="Open this code in a new editor">New file</button></div>` +
    `<pre><code data-lang="${md.utils.escapeHtml(lang)}">${escapeHtml(token.content)}</code></pre></div>`
  );
};

export function renderMarkdown(text: string): string {
  return md.render(text);
}

/** A fence opener or closer: up to 3 spaces, then 3+ backticks or tildes. */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** A line that may start or continue a list item: after a blank line it keeps the list together (loose list). */
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
/** A link reference definition: it applies to the whole text, so such a text is never split. */
const REFERENCE = /^ {0,3}\[[^\]]+\]:/m;

/**
 * Cuts markdown into top-level pieces that render the same alone as together:
 * at blank lines outside code fences, where the next line starts in column
 * one and does not start a list item (an indented line could belong to a list
 * item or be indented code; a list item after a blank line continues a loose
 * list). The pieces joined give back `text`.
 */
export function splitMarkdownBlocks(text: string): string[] {
  if (REFERENCE.test(text)) return [text];
  const blocks: string[] = [];
  let start = 0;
  let fence: string | null = null;
  let blankBefore = false;
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    const lineEnd = end < 0 ? text.length : end;
    const line = text.slice(at, lineEnd);
    const marker = FENCE.exec(line)?.[1];
    if (fence !== null) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
    } else {
      const blank = line.trim() === '';
      if (!blank && blankBefore && at > start && !/^[ \t]/.test(line) && !LIST_ITEM.test(line)) {
        blocks.push(text.slice(start, at));
        start = at;
      }
      if (marker) fence = marker;
      blankBefore = blank;
    }
    at = lineEnd + 1;
  }
  if (start < text.length || blocks.length === 0) blocks.push(text.slice(start));
  return blocks;
}

const blockCache = new Map<string, string>();
const BLOCK_CACHE_SIZE = 2000;

/**
 * The same HTML as renderMarkdown, for text that grows at its end (a streamed
 * answer): every piece but the last comes from a cache, so each update renders
 * only the piece still being written instead of the whole answer again.
 */
export function renderStreamingMarkdown(text: string): string {
  const blocks = splitMarkdownBlocks(text);
  let html = '';
  blocks.forEach((block, i) => {
    if (i === blocks.length - 1) {
      html += md.render(block);
      return;
    }
    let done = blockCache.get(block);
    if (done === undefined) {
      done = md.render(block);
      if (blockCache.size >= BLOCK_CACHE_SIZE) blockCache.delete(blockCache.keys().next().value!);
      blockCache.set(block, done);
    }
    html += done;
  });
  return html;
}

/** Colours the code blocks of a rendered message in place (grammars load lazily). */
export async function highlightBlocks(root: HTMLElement): Promise<void> {
  for (const code of root.querySelectorAll<HTMLElement>('code[data-lang]')) {
    const lang = code.dataset.lang;
    if (!lang || code.dataset.highlighted) continue;
    const html = await highlightCode(lang, code.textContent ?? '');
    if (html !== null && code.isConnected) {
      code.innerHTML = html; // highlight.js escapes the source
      code.dataset.highlighted = '1';
    }
  }
}

/** One listener for every code block's buttons inside `root`: Copy, and in an IDE Insert and New file. */
export function onCopyClick(event: MouseEvent): void {
  const target = event.target as HTMLElement;
  const ideButton = target.closest<HTMLButtonElement>('button[data-insert], button[data-newfile]');
  const host = hostChannel();
  if (ideButton && host) {
    const content = ideButton.closest('.code-block')?.querySelector('code')?.textContent ?? '';
    if (ideButton.hasAttribute('data-insert')) host.send('ide/diffPasteBack', { content, chatId: chatId.value });
    else host.send('ide/newFile', content);
    return;
  }
  const button = target.closest<HTMLButtonElement>('button[data-copy]');
  if (!button) return;
  const code = button.closest('.code-block')?.querySelector('code');
  if (!code) return;
  void navigator.clipboard.writeText(code.textContent ?? '').then(() => {
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  });
}
