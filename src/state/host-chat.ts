/**
 * What the IDE hears of the chat (Refact's events): whether an answer is
 * streaming, so the extension keeps its status honest, and which page shows.
 * Apart from host.ts because the chat store imports that one.
 */
import { effect } from '@preact/signals';
import { running } from './chat';
import { hostChannel, hostConnected } from './host';
import { page } from './route';

effect(() => {
  const streaming = running.value;
  if (hostConnected.value) hostChannel()?.send('ide/isChatStreaming', streaming);
});

effect(() => {
  const current = page.value;
  if (hostConnected.value) hostChannel()?.send('ide/chatPageChange', current);
});
