import { useEffect, useState } from 'preact/hooks';
import { VirtualList } from '../common/VirtualList';
import { openFile, view, viewLine } from '../../state/files';
import { formatBytes } from '../../workspace/format';
import type { ReadTextResult } from '../../workspace/types';
import { escapeHtml, highlightLines, languageNameFor } from './highlight';

const LINE_HEIGHT = 20;
/** "Open anyway" raises the text limit this far; past it the tab would struggle. */
const OVERRIDE_LIMIT_BYTES = 32 * 1024 * 1024;

type TextFile = Extract<ReadTextResult, { kind: 'text' }>;

/** Read-only viewer: line numbers, syntax colours, virtualized so big files scroll smoothly. */
export function FileViewer() {
  const state = view.value;
  switch (state.status) {
    case 'idle':
      return <div class="viewer-empty">Select a file to view it.</div>;
    case 'loading':
      return <div class="viewer-empty">Loading {state.path}…</div>;
    case 'error':
      return (
        <div class="viewer-notice" role="alert">
          <strong>{state.path}</strong>: {state.message}
        </div>
      );
    case 'ready':
      return <FileView file={state.file} />;
  }
}

function FileView({ file }: { file: ReadTextResult }) {
  if (file.kind === 'text') return <TextView key={file.path} file={file} />;
  return (
    <section class="viewer" aria-label={file.path}>
      <ViewerHeader path={file.path} details={[formatBytes(file.size)]} />
      <div class="viewer-notice" data-testid="not-text">
        <p>
          <strong>Not shown as text:</strong> <span class="reason">{file.reason}</span>.
        </p>
        {file.kind === 'too-large' && file.size <= OVERRIDE_LIMIT_BYTES && (
          <button type="button" onClick={() => void openFile(file.path, { limitBytes: OVERRIDE_LIMIT_BYTES })}>
            Open anyway
          </button>
        )}
      </div>
    </section>
  );
}

function TextView({ file }: { file: TextFile }) {
  const plain = file.text.split('\n');
  const [html, setHtml] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    setHtml(null);
    highlightLines(file.path, file.text).then(
      (lines) => live && setHtml(lines),
      () => undefined, // plain text is a fine fallback
    );
    return () => {
      live = false;
    };
  }, [file]);
  const mark = viewLine.value;
  const longest = plain.reduce((max, line) => Math.max(max, line.length), 0);
  const gutter = String(plain.length).length;
  const details = [
    formatBytes(file.size),
    `${plain.length} lines`,
    languageNameFor(file.path) ?? 'plain text',
    file.encoding.toUpperCase() + (file.bom ? ' with BOM' : ''),
    file.eol === 'crlf' ? 'CRLF' : file.eol === 'mixed' ? 'mixed line endings' : 'LF',
  ];
  return (
    <section class="viewer" aria-label={file.path}>
      <ViewerHeader path={file.path} details={details} />
      <VirtualList
        class="code"
        role="document"
        label={`Contents of ${file.path}`}
        count={plain.length}
        rowHeight={LINE_HEIGHT}
        scrollToIndex={mark === null ? null : mark - 1}
        scrollAlign="center"
        tabIndex={0}
        autoFocus={mark !== null}
        contentWidth={`calc(${longest + gutter + 4}ch + 2rem)`}
        renderRow={(i) => (
          <div class={`code-line${mark === i + 1 ? ' marked' : ''}`} data-line={i + 1} aria-current={mark === i + 1 ? 'true' : undefined}>
            <span class="ln" style={{ width: `${gutter + 1}ch` }}>
              {i + 1}
            </span>
            <span
              class="lc"
              // Safe: highlight.js escapes the source; the fallback escapes it too.
              dangerouslySetInnerHTML={{ __html: html?.[i] ?? escapeHtml(plain[i]!.replace(/\r$/, '')) }}
            />
          </div>
        )}
      />
    </section>
  );
}

function ViewerHeader({ path, details }: { path: string; details: string[] }) {
  return (
    <header class="viewer-header">
      <span class="viewer-path">{path}</span>
      <span class="viewer-details">{details.join(' · ')}</span>
    </header>
  );
}
