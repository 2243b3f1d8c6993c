import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('escapes HTML the model writes, so no model markup ever runs', () => {
    const html = renderMarkdown('Hi <img src=x onerror="alert(1)"><script>alert(2)</script> [x](javascript:alert(3))');
    expect(html).not.toMatch(/<img|<script|href="javascript/i);
    expect(html).toContain('&lt;script&gt;');
  });

  it('turns images into links (no remote loads) and opens links in a new tab', () => {
    const html = renderMarkdown('![logo](https://example.com/a.png) and https://example.com');
    expect(html).not.toContain('<img');
    expect(html).toContain('href="https://example.com/a.png"');
    expect(html).toContain('rel="noopener noreferrer"');
  });

  it('renders fenced code with its language and a copy button', () => {
    const html = renderMarkdown('```python\nprint("<b>")\n```');
    expect(html).toContain('data-lang="python"');
    expect(html).toContain('print(&quot;&lt;b&gt;&quot;)'.replace(/&quot;/g, '"'));
    expect(html).toContain('data-copy');
  });
});
