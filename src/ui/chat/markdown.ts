import MarkdownIt from 'markdown-it';
import { escapeHtml, highlightCode } from '../files/highlight';

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
    `<button type="button" class="copy" data-copy>Copy</button></div>` +
    `<pre><code data-lang="${md.utils.escapeHtml(lang)}">${escapeHtml(token.content)}</code></pre></div>`
  );
};

export function renderMarkdown(text: string): string {
  return md.render(text);
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

/** One listener for every Copy button inside `root`. */
export function onCopyClick(event: MouseEvent): void {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-copy]');
  if (!button) return;
  const code = button.closest('.code-block')?.querySelector('code');
  if (!code) return;
  void navigator.clipboard.writeText(code.textContent ?? '').then(() => {
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  });
}
