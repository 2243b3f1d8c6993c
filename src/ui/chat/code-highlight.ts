import type { HLJSApi, LanguageFn } from 'highlight.js';

/**
 * Code blocks in chat answers, highlighted with highlight.js loaded on first
 * use (core and each grammar in their own chunks) so the app shell stays
 * small. The editor highlights with CodeMirror's own modes instead.
 */

type Loader = () => Promise<{ default: LanguageFn }>;

const LANGUAGES: Record<string, { id: string; load: Loader }> = {};
function lang(id: string, load: Loader, ...extensions: string[]) {
  for (const ext of extensions) LANGUAGES[ext] = { id, load };
}
lang('typescript', () => import('highlight.js/lib/languages/typescript'), 'ts', 'tsx', 'mts', 'cts');
lang('javascript', () => import('highlight.js/lib/languages/javascript'), 'js', 'jsx', 'mjs', 'cjs');
lang('python', () => import('highlight.js/lib/languages/python'), 'py', 'pyi', 'pyw');
lang('rust', () => import('highlight.js/lib/languages/rust'), 'rs');
lang('go', () => import('highlight.js/lib/languages/go'), 'go');
lang('java', () => import('highlight.js/lib/languages/java'), 'java');
lang('kotlin', () => import('highlight.js/lib/languages/kotlin'), 'kt', 'kts');
lang('c', () => import('highlight.js/lib/languages/c'), 'c', 'h');
lang('cpp', () => import('highlight.js/lib/languages/cpp'), 'cpp', 'cc', 'cxx', 'hpp', 'hh', 'hxx');
lang('csharp', () => import('highlight.js/lib/languages/csharp'), 'cs');
lang('ruby', () => import('highlight.js/lib/languages/ruby'), 'rb');
lang('php', () => import('highlight.js/lib/languages/php'), 'php');
lang('swift', () => import('highlight.js/lib/languages/swift'), 'swift');
lang('scala', () => import('highlight.js/lib/languages/scala'), 'scala');
lang('lua', () => import('highlight.js/lib/languages/lua'), 'lua');
lang('bash', () => import('highlight.js/lib/languages/bash'), 'sh', 'bash', 'zsh');
lang('markdown', () => import('highlight.js/lib/languages/markdown'), 'md', 'markdown');
lang('json', () => import('highlight.js/lib/languages/json'), 'json', 'jsonc');
lang('yaml', () => import('highlight.js/lib/languages/yaml'), 'yml', 'yaml');
lang('ini', () => import('highlight.js/lib/languages/ini'), 'toml', 'ini', 'cfg');
lang('xml', () => import('highlight.js/lib/languages/xml'), 'html', 'htm', 'xml', 'svg', 'vue');
lang('css', () => import('highlight.js/lib/languages/css'), 'css');
lang('scss', () => import('highlight.js/lib/languages/scss'), 'scss');
lang('sql', () => import('highlight.js/lib/languages/sql'), 'sql');
lang('dockerfile', () => import('highlight.js/lib/languages/dockerfile'), 'dockerfile');
lang('makefile', () => import('highlight.js/lib/languages/makefile'), 'mk', 'makefile');

/** Past this a code block stays plain: highlighting it would hold up the main thread. */
const HIGHLIGHT_LIMIT_CHARS = 512 * 1024;

let core: Promise<HLJSApi> | null = null;

/** Highlights a code block by its fence language ("ts", "python"…); null when unknown. */
export async function highlightCode(language: string, text: string): Promise<string | null> {
  const key = language.toLowerCase();
  const entry = LANGUAGES[key] ?? Object.values(LANGUAGES).find((l) => l.id === key);
  if (!entry || text.length > HIGHLIGHT_LIMIT_CHARS) return null;
  core ??= import('highlight.js/lib/core').then((m) => m.default);
  const hljs = await core;
  if (!hljs.getLanguage(entry.id)) hljs.registerLanguage(entry.id, (await entry.load()).default);
  return hljs.highlight(text, { language: entry.id, ignoreIllegals: true }).value;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
