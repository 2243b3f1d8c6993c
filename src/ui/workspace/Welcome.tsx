import { useRef } from 'preact/hooks';
import {
  awaitingReconnect,
  busy,
  forgetRecent,
  importFolder,
  importProgress,
  openFolder,
  pickerAvailable,
  recent,
  reconnect,
} from '../../state/workspace';
import type { FolderRecord } from '../../storage/schema';

/** First screen: open a folder, reconnect the last one, or import a copy where there is no picker. */
export function Welcome() {
  const pending = awaitingReconnect.value;
  return (
    <div class="welcome">
      <h1>Refact in a tab</h1>
      <p class="lede">An AI coding assistant that runs entirely in this browser tab. Your files stay on your machine.</p>
      {pending && (
        <div class="card reconnect">
          <p>
            The browser needs your permission again to use <strong>{pending.name}</strong>.
          </p>
          <button type="button" class="primary" disabled={busy.value} onClick={() => void reconnect(pending)}>
            Reconnect {pending.name}
          </button>
        </div>
      )}
      <div class="card">
        {pickerAvailable ? (
          <>
            <button type="button" class="primary" disabled={busy.value} onClick={() => void openFolder()}>
              Open folder
            </button>
            <p class="hint">Pick a project folder; the assistant reads it and, when you allow it, edits files in place.</p>
          </>
        ) : (
          <p class="hint" data-testid="no-picker">
            This browser cannot open a folder in place. Import a copy instead: its files are copied into this browser's
            private storage and edits stay there until you export them with <em>Download zip</em>.
          </p>
        )}
        <ImportButton primary={!pickerAvailable} />
        {importProgress.value && (
          <progress max={importProgress.value.total} value={importProgress.value.done} aria-label="Import progress" />
        )}
      </div>
      <RecentFolders />
    </div>
  );
}

function ImportButton({ primary }: { primary: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        data-testid="import-input"
        hidden
        multiple
        // webkitdirectory is not in Preact's JSX types; it is supported by every engine.
        {...{ webkitdirectory: true }}
        onChange={(e) => {
          const files = e.currentTarget.files;
          if (files && files.length) void importFolder(Array.from(files));
          e.currentTarget.value = '';
        }}
      />
      <button type="button" class={primary ? 'primary' : 'secondary'} disabled={busy.value} onClick={() => input.current?.click()}>
        {primary ? 'Import folder' : 'Import a copy instead'}
      </button>
    </>
  );
}

function RecentFolders() {
  const list = recent.value;
  if (list.length === 0) return null;
  return (
    <div class="card recent">
      <h2>Recent</h2>
      <ul>
        {list.map((record: FolderRecord) => (
          <li key={record.id}>
            <button type="button" class="link" disabled={busy.value} onClick={() => void reconnect(record)}>
              {record.name}
            </button>
            <span class="badge">{record.kind === 'opfs' ? 'browser copy' : 'folder'}</span>
            <button
              type="button"
              class="icon"
              title={record.kind === 'opfs' ? `Delete the browser copy of ${record.name}` : `Forget ${record.name}`}
              aria-label={`Forget ${record.name}`}
              onClick={() => void forgetRecent(record)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
