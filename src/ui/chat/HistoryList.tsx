import { chatId, deleteChat, history, openChat, running } from '../../state/chat';

/** Up to 100 chats, newest first. */
export function HistoryList() {
  return (
    <aside class="history" aria-label="Chat history">
      {history.value.length === 0 && <p class="hint">No saved chats yet.</p>}
      <ul>
        {history.value.map((c) => (
          <li key={c.id} class={c.id === chatId.value ? 'current' : undefined} data-testid="history-item">
            <button type="button" class="link history-open" disabled={running.value} title={new Date(c.updatedAt).toLocaleString()} onClick={() => void openChat(c.id)}>
              {c.title}
            </button>
            <button type="button" class="icon" aria-label={`Delete chat ${c.title}`} onClick={() => void deleteChat(c.id)}>
              🗑
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
