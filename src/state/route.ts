import { signal } from '@preact/signals';

/** Which page is shown; kept in the URL hash so reloads and the back button work. */
export type Page = 'files' | 'search' | 'chat' | 'models';
const PAGES: readonly Page[] = ['files', 'search', 'chat', 'models'];

function fromHash(): Page {
  const name = location.hash.replace(/^#\/?/, '');
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'files';
}

export const page = signal<Page>(typeof location === 'undefined' ? 'files' : fromHash());

export function go(to: Page): void {
  if (page.value === to) return;
  page.value = to;
  history.pushState(null, '', `#/${to}`);
}

if (typeof window !== 'undefined') window.addEventListener('popstate', () => (page.value = fromHash()));
