import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { CHAT_MODES, type ChatMode } from '../../engine/index';
import { effectiveMode, loopStatus, mode, newChat, permissions, restoreChat, running, setAutomaticPatch, setMode, totalUsage } from '../../state/chat';
import { chatTargets, selectedTarget, selectTarget } from '../../state/chat-picker';
import { inferenceNotice, initModels } from '../../state/models';
import { initProviders } from '../../state/providers';
import { go } from '../../state/route';
import { workspace } from '../../state/workspace';
import { ActiveFileChip } from './ActiveFileChip';
import { Composer } from './Composer';
import { HistoryList } from './HistoryList';
import { PausePanel } from './PausePanel';
import { ResetDialog } from './ResetDialog';
import { Thread } from './Thread';
import './chat.css';

const MODE_LABEL: Record<ChatMode, string> = {
  NO_TOOLS: 'Chat (no tools)',
  EXPLORE: 'Explore (reads files)',
  AGENT: 'Agent (reads and edits)',
};

/** The agent chat: model and mode, the thread, confirmations, the input, and the history of chats. */
export function ChatPage() {
  const showHistory = useSignal(false);
  useEffect(() => {
    void initModels();
    void initProviders();
    void restoreChat();
  }, []);
  const target = selectedTarget.value;
  const usage = totalUsage.value;
  const status = loopStatus.value;
  return (
    <div class="page chat-page">
      <div class="row chat-toolbar">
        <label class="field">
          Model
          <select data-testid="model-picker" value={target?.id ?? ''} onChange={(e) => selectTarget(e.currentTarget.value)}>
            {chatTargets.value.length === 0 && <option value="">No model ready</option>}
            {chatTargets.value.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          Mode
          <select data-testid="mode-picker" value={mode.value} onChange={(e) => setMode(e.currentTarget.value as ChatMode)}>
            {CHAT_MODES.map((m) => (
              <option key={m} value={m}>
                {MODE_LABEL[m]}
              </option>
            ))}
          </select>
        </label>
        {effectiveMode.value === 'AGENT' && (
          <label class="check" title="Edits to file contents run without asking">
            <input type="checkbox" checked={permissions.value.automaticPatch} onChange={(e) => setAutomaticPatch(e.currentTarget.checked)} />
            Automatic patch
          </label>
        )}
        <span class="spacer" />
        {(usage.prompt > 0 || usage.completion > 0) && (
          <span class="usage" data-testid="usage" title="Tokens used by this chat">
            {usage.prompt} prompt + {usage.completion} completion
          </span>
        )}
        <button type="button" class="secondary" aria-pressed={showHistory.value} onClick={() => (showHistory.value = !showHistory.value)}>
          History
        </button>
        <button type="button" class="secondary" onClick={newChat}>
          New chat
        </button>
      </div>
      {mode.value !== 'NO_TOOLS' && !workspace.value && (
        <p class="card hint" role="status">
          Tools need an open folder: open one on the{' '}
          <button type="button" class="link" onClick={() => go('files')}>
            Files
          </button>{' '}
          page. Until then this chat answers without tools.
        </p>
      )}
      {chatTargets.value.length === 0 && (
        <p class="card hint">
          No model is ready. Load a local model or add a provider on the{' '}
          <button type="button" class="link" onClick={() => go('models')}>
            Models
          </button>{' '}
          page.
        </p>
      )}
      {inferenceNotice.value && (
        <p class="card warn" role="status">
          {inferenceNotice.value}
        </p>
      )}
      <div class="chat-body">
        {showHistory.value && <HistoryList />}
        <div class="chat-main">
          <Thread />
          <PausePanel />
          <ActiveFileChip />
          {running.value && (
            <div class="loop-status" data-testid="loop-status">
              {status?.kind === 'running-tool' ? `Running ${status.name}…` : status?.kind === 'paused' ? 'Waiting for your answer' : status?.kind === 'waiting' ? 'Waiting for the model…' : 'Streaming…'}
            </div>
          )}
          <Composer />
        </div>
      </div>
      <ResetDialog />
    </div>
  );
}
