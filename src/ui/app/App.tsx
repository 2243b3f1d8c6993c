import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import {
  accessLost,
  busy,
  closeFolder,
  exportZip,
  isBrowserCopy,
  openFolder,
  pickerAvailable,
  reconnectOpenFolder,
  restoreLastFolder,
  workspace,
  workspaceError,
  workspaceNotice,
} from '../../state/workspace';
import { storageNotice } from '../../state/storage-status';
import { quickOpenVisible } from '../../state/files';
import { connectToHost } from '../../state/host';
import '../../state/host-chat';
import { HostBanners } from './HostBanners';
import { go, page, type Page } from '../../state/route';
import { ChatPage } from '../chat/ChatPage';
import { FileTree } from '../files/FileTree';
import { ModelsPage } from '../models/ModelsPage';
import { SearchPage } from '../search/SearchPage';
import { LazyEditorPane } from './LazyEditorPane';
import { Welcome } from '../workspace/Welcome';
import { StatusBar } from './StatusBar';
import { UpdatePrompt } from './UpdatePrompt';

const PAGES: [Page, string][] = [
  ['files', 'Files'],
  ['search', 'Search'],
  ['chat', 'Chat'],
  ['models', 'Models'],
];

export function App() {
  useEffect(() => {
    void connectToHost();
    void restoreLastFolder();
  }, []);
  useEffect(() => {
    // Ctrl+P anywhere: quick open (the editor takes it itself while it has focus).
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'p' && workspace.value) {
        e.preventDefault();
        go('files');
        quickOpenVisible.value = true;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const ws = workspace.value;
  return (
    <div class="app">
      <header class="topbar">
        <span class="brand">Refact</span>
        <nav class="tabs" aria-label="Pages">
          {PAGES.map(([id, label]) => (
            <button
              key={id}
              type="button"
              class={`tab${page.value === id ? ' active' : ''}`}
              aria-current={page.value === id ? 'page' : undefined}
              onClick={() => go(id)}
            >
              {label}
            </button>
          ))}
        </nav>
        {ws && ws.source === 'host' && (
          <span class="ws-name" data-testid="workspace-name" title="The workspace VS Code has open">
            {ws.name}
          </span>
        )}
        {ws && ws.source !== 'host' && (
          <>
            <span class="ws-name" data-testid="workspace-name">
              {ws.name}
            </span>
            {isBrowserCopy.value && (
              <span class="badge" title="Edits stay in this browser until you download them">
                browser copy
              </span>
            )}
            <span class="spacer" />
            {isBrowserCopy.value && (
              <button type="button" class="secondary" disabled={busy.value} onClick={() => void exportZip()}>
                Download zip
              </button>
            )}
            {pickerAvailable && (
              <button type="button" class="secondary" disabled={busy.value} onClick={() => void openFolder()}>
                Open folder
              </button>
            )}
            <button type="button" class="secondary" onClick={closeFolder}>
              Close
            </button>
          </>
        )}
      </header>
      {workspaceError.value && (
        <Banner kind="error" text={workspaceError.value} onDismiss={() => (workspaceError.value = null)} />
      )}
      {ws && accessLost.value && (
        <Banner kind="error" text={`The browser no longer lets this app read "${ws.name}".`}>
          <button type="button" class="primary" disabled={busy.value} onClick={() => void reconnectOpenFolder()}>
            Reconnect {ws.name}
          </button>
        </Banner>
      )}
      {storageNotice.value && (
        <Banner kind="error" text={storageNotice.value}>
          <button type="button" class="secondary" onClick={() => location.reload()}>
            Reload
          </button>
        </Banner>
      )}
      <HostBanners />
      {workspaceNotice.value && (
        <Banner kind="notice" text={workspaceNotice.value} onDismiss={() => (workspaceNotice.value = null)} />
      )}
      {page.value === 'search' ? (
        <main class="scroll">
          <SearchPage />
        </main>
      ) : page.value === 'models' ? (
        <main class="scroll">
          <ModelsPage />
        </main>
      ) : page.value === 'chat' ? (
        <main class="scroll">
          <ChatPage />
        </main>
      ) : ws ? (
        <main class="workbench">
          <aside class="sidebar">
            <FileTree />
          </aside>
          <section class="editor">
            <LazyEditorPane />
          </section>
        </main>
      ) : (
        <main class="start">
          <Welcome />
        </main>
      )}
      <StatusBar />
      <UpdatePrompt />
    </div>
  );
}

interface BannerProps {
  kind: 'error' | 'notice';
  text: string;
  onDismiss?: () => void;
  children?: ComponentChildren;
}

function Banner({ kind, text, onDismiss, children }: BannerProps) {
  return (
    <div class={`banner ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {text}
      {children}
      {onDismiss && (
        <button type="button" class="icon" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}
