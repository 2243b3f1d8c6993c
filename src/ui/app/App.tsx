import { useEffect } from 'preact/hooks';
import {
  busy,
  closeFolder,
  exportZip,
  isBrowserCopy,
  openFolder,
  pickerAvailable,
  restoreLastFolder,
  workspace,
  workspaceError,
  workspaceNotice,
} from '../../state/workspace';
import { storageNotice } from '../../state/storage-status';
import { FileTree } from '../files/FileTree';
import { FileViewer } from '../files/FileViewer';
import { Welcome } from '../workspace/Welcome';
import { StatusBar } from './StatusBar';
import { UpdatePrompt } from './UpdatePrompt';

export function App() {
  useEffect(() => {
    void restoreLastFolder();
  }, []);
  const ws = workspace.value;
  return (
    <div class="app">
      <header class="topbar">
        <span class="brand">Refact</span>
        {ws && (
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
        <div class="banner error" role="alert">
          {workspaceError.value}
          <button type="button" class="icon" aria-label="Dismiss" onClick={() => (workspaceError.value = null)}>
            ×
          </button>
        </div>
      )}
      {storageNotice.value && (
        <div class="banner error" role="alert">
          {storageNotice.value}
          <button type="button" class="secondary" onClick={() => location.reload()}>
            Reload
          </button>
        </div>
      )}
      {workspaceNotice.value && (
        <div class="banner notice" role="status">
          {workspaceNotice.value}
          <button type="button" class="icon" aria-label="Dismiss" onClick={() => (workspaceNotice.value = null)}>
            ×
          </button>
        </div>
      )}
      {ws ? (
        <main class="workbench">
          <aside class="sidebar">
            <FileTree />
          </aside>
          <section class="editor">
            <FileViewer />
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
