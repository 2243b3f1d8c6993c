import { useEffect } from 'preact/hooks';
import { activeFile, attachActiveFile, attachByDefault } from '../../state/editor-context';
import { getSetting, setSetting } from '../../storage/db';
import { workspace } from '../../state/workspace';

const DEFAULT_SETTING = 'chat.attachActiveFile';
let loaded = false;

/**
 * What the user is looking at in the editor, offered as context: one click attaches the
 * selection (or the whole file) to the next message; a switch attaches it to every message.
 */
export function ActiveFileChip() {
  useEffect(() => {
    if (loaded) return;
    loaded = true;
    void getSetting<boolean>(DEFAULT_SETTING, false).then((on) => (attachByDefault.value = on), () => undefined);
  }, []);
  const file = activeFile.value;
  if (!file || !workspace.value) return null;
  const attached = attachActiveFile.value || attachByDefault.value;
  const selected = file.selection !== '';
  const where = selected ? `${file.path}:${file.line1}${file.line2 !== file.line1 ? `-${file.line2}` : ''}` : file.path;
  return (
    <div class="active-file" data-testid="active-file">
      <button
        type="button"
        class={`chip${attached ? ' on' : ''}`}
        aria-pressed={attached}
        disabled={attachByDefault.value}
        title={attached ? 'Will be sent with your next message' : 'Attach to your next message'}
        onClick={() => (attachActiveFile.value = !attachActiveFile.value)}
      >
        {attached ? 'Attached: ' : 'Attach '}
        {selected ? 'selection ' : ''}
        <code>{where}</code>
      </button>
      <label class="check" title="Attach what the editor shows to every message">
        <input
          type="checkbox"
          checked={attachByDefault.value}
          onChange={(e) => {
            attachByDefault.value = e.currentTarget.checked;
            void setSetting(DEFAULT_SETTING, e.currentTarget.checked);
          }}
        />
        always
      </label>
    </div>
  );
}
