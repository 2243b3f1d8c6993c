import { useSignal } from '@preact/signals';
import { selectedPath } from '../../state/files';
import { workspace } from '../../state/workspace';
import { saveFile } from '../../editor/save';
import { activePath, removeTab, tabs, type TabInfo } from '../../editor/tabs';

/** Open files as tabs: a dot marks unsaved edits; closing one with edits asks first. */
export function TabBar() {
  const closing = useSignal<string | null>(null);
  const list = tabs.value;
  if (list.length === 0) return null;
  const close = (tab: TabInfo) => {
    if (tab.dirty) closing.value = tab.path;
    else removeTab(tab.path);
  };
  return (
    <div class="tab-bar" role="tablist" aria-label="Open files">
      {list.map((tab) => (
        <div
          key={tab.path}
          role="tab"
          class={`file-tab${tab.path === activePath.value ? ' active' : ''}${tab.dirty ? ' dirty' : ''}`}
          aria-selected={tab.path === activePath.value}
          title={tab.path}
          data-tab-path={tab.path}
          onClick={() => {
            activePath.value = tab.path;
            selectedPath.value = tab.path;
          }}
          onAuxClick={(e) => e.button === 1 && close(tab)}
        >
          <span class="file-tab-name">{tab.path.slice(tab.path.lastIndexOf('/') + 1)}</span>
          {tab.dirty && (
            <span class="dirty-mark" aria-label="unsaved changes" data-testid="dirty-mark">
              ●
            </span>
          )}
          <button
            type="button"
            class="icon"
            aria-label={`Close ${tab.path}`}
            onClick={(e) => {
              e.stopPropagation();
              close(tab);
            }}
          >
            ×
          </button>
        </div>
      ))}
      {closing.value && <CloseDirty path={closing.value} onDone={() => (closing.value = null)} />}
    </div>
  );
}

function CloseDirty({ path, onDone }: { path: string; onDone: () => void }) {
  const ws = workspace.value;
  return (
    <div class="close-dirty" role="alertdialog" aria-label={`Unsaved changes in ${path}`}>
      Save the changes to {path}?
      <button
        type="button"
        class="primary"
        onClick={async () => {
          if (ws && (await saveFile(ws, path))) removeTab(path);
          onDone();
        }}
      >
        Save
      </button>
      <button
        type="button"
        class="secondary"
        onClick={() => {
          removeTab(path);
          onDone();
        }}
      >
        Discard
      </button>
      <button type="button" class="secondary" onClick={onDone}>
        Cancel
      </button>
    </div>
  );
}
