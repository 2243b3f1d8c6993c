import type { PlainTextMessage as PlainText } from '../../engine/index';

/** Text from the engine itself, e.g. why it stopped a tool loop. */
export function PlainTextMessage({ message }: { message: PlainText }) {
  return (
    <div class="msg plain-text" data-testid="msg-plain_text">
      {message.content}
    </div>
  );
}
