import { useEffect } from 'preact/hooks';
import { attachActiveFile } from '../../state/editor-context';
import { openFile, quickOpenVisible } from '../../state/files';
import { go } from '../../state/route';
import { workspace } from '../../state/workspace';
import { formatBytes } from '../../workspace/format';
import { languageNameFor } from '../../editor/languages';
import { ghostCounts, startEditorSession } from '../../editor/session';
import { activeTab, bufferOf, liveState, type TabInfo } from '../../editor/tabs';
import { autosave, saveFile, setAutosave } from '../../editor/save';
import { EditorHost } from './EditorHost';
import { EditorBanners } from './EditorBanners';
import { EditorContextMenu } from './EditorContextMenu';
import { QuickOpen } from './QuickOpen';
import { TabBar } from './TabBar';
import './editor.css';

/** "Open anyway" raises the text limit this far; past it the tab would struggle. */
const OVERRIDE_LIMIT_BYTES = 32 * 1024 * 1024;

/** Opens the chat with the selection (or the active file) attached. */
export function askAboutSelection(): void {
  attachActiveFile.value = true;
  go('chat');
}

/** The Files page's editor: tabs, the active file in CodeMirror, its notices; Ctrl+P quick open. */
export default function EditorPane() {
  useEffect(() => startEditorSession({ askAboutSelection }), []);
  useEffect(() => {
    // Ctrl+S saves the active file wherever the focus is on this page (a banner's button, the tree).
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 's') return;
      e.preventDefault();
      const ws = workspace.value;
      const active = activeTab.value;
      if (ws && active?.dirty) void saveFile(ws, active.path);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const tab = activeTab.value;
  const counts = ghostCounts.value;
  return (
    <section class="editor-pane" data-completion-requests={counts.requests} data-completion-answered={counts.answered} data-completion-shown={counts.shown}>
      <TabBar />
      {tab && <EditorHeader tab={tab} />}
      {tab && <EditorBanners tab={tab} />}
      {!tab && <div class="viewer-empty">Open a file from the tree, or press Ctrl+P to find one.</div>}
      {tab && tab.status !== 'text' && <TabNotice tab={tab} />}
      <EditorHost visible={tab?.status === 'text'} />
      <EditorContextMenu onAsk={askAboutSelection} />
      {quickOpenVisible.value && <QuickOpen />}
    </section>
  );
}

function EditorHeader({ tab }: { tab: TabInfo }) {
  const ws = workspace.value;
  const state = tab.status === 'text' ? liveState(tab.path) : null;
  const details = [tab.size !== undefined ? formatBytes(tab.size) : null, state ? `${state.doc.lines} lines` : null];
  if (tab.status === 'text') {
    details.push(languageNameFor(tab.path) ?? 'plain text');
    details.push(...encodingDetails(tab.path));
  }
  return (
    <header class="viewer-header">
      <span class="viewer-path">{tab.path}</span>
      <span class="viewer-details">{details.filter(Boolean).join(' · ')}</span>
      {(tab.readOnly || tab.plain) && <span class="viewer-limit">{tab.readOnly ?? tab.plain}</span>}
      <span class="spacer" />
      <label class="check" title="Save a second after typing stops">
        <input type="checkbox" checked={autosave.value === 'after-delay'} onChange={(e) => void setAutosave(e.currentTarget.checked ? 'after-delay' : 'off')} />
        Autosave
      </label>
      {tab.status === 'text' && !tab.readOnly && ws && (
        <button type="button" class="secondary" disabled={!tab.dirty} onClick={() => void saveFile(ws, tab.path)} title="Ctrl+S">
          Save
        </button>
      )}
    </header>
  );
}

function encodingDetails(path: string): string[] {
  const buffer = bufferOf(path);
  if (!buffer) return [];
  return [buffer.encoding.toUpperCase() + (buffer.bom ? ' with BOM' : ''), buffer.eol === 'crlf' ? 'CRLF' : buffer.eol === 'mixed' ? 'mixed line endings' : 'LF'];
}

function TabNotice({ tab }: { tab: TabInfo }) {
  if (tab.status === 'loading') return <div class="viewer-empty">Loading {tab.path}…</div>;
  if (tab.status === 'error') {
    return (
      <div class="viewer-notice" role="alert">
        <strong>{tab.path}</strong>: {tab.message}
      </div>
    );
  }
  return (
    <div class="viewer-notice" data-testid="not-text">
      <p>
        <strong>Not shown as text:</strong> <span class="reason">{tab.message}</span>.
      </p>
      {tab.status === 'too-large' && (tab.size ?? Infinity) <= OVERRIDE_LIMIT_BYTES && (
        <button type="button" onClick={() => void openFile(tab.path, { limitBytes: OVERRIDE_LIMIT_BYTES })}>
          Open anyway
        </button>
      )}
    </div>
  );
}
