import { useEffect, useMemo, useRef } from 'preact/hooks';
import { highlightBlocks, onCopyClick, renderMarkdown, renderStreamingMarkdown } from './markdown';

/**
 * Model text as sanitized markdown; code blocks highlighted (once the text settles) with Copy.
 * While the text streams, only its unfinished last piece is rendered again
 * (finished pieces come from a cache); settled text is rendered once and kept.
 */
export function Markdown({ text, settled }: { text: string; settled: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  // A text that streamed here keeps the streaming renderer once settled: same HTML, and its
  // finished pieces are cached, so the last token is not held up by a render of the whole answer.
  const streamed = useRef(!settled);
  if (!settled) streamed.current = true;
  const html = useMemo(() => (streamed.current ? renderStreamingMarkdown(text) : renderMarkdown(text)), [text, settled]);
  useEffect(() => {
    if (settled && ref.current) void highlightBlocks(ref.current);
  }, [html, settled]);
  return <div ref={ref} class="msg-text markdown" onClick={onCopyClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
