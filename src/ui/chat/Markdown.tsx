import { useEffect, useRef } from 'preact/hooks';
import { highlightBlocks, onCopyClick, renderMarkdown } from './markdown';

/** Model text as sanitized markdown; code blocks highlighted (once the text settles) with Copy. */
export function Markdown({ text, settled }: { text: string; settled: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (settled && ref.current) void highlightBlocks(ref.current);
  }, [text, settled]);
  return <div ref={ref} class="msg-text markdown" onClick={onCopyClick} dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} />;
}
