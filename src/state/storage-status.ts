import { signal } from '@preact/signals';
import { onDbEvent } from '../storage/db';

/** What the user must do when another tab holds or upgrades the database. */
export const storageNotice = signal<string | null>(null);

onDbEvent((event) => {
  switch (event.type) {
    case 'blocked':
      storageNotice.value = 'Another tab of this app is using an older version of its storage. Close it so this one can update.';
      break;
    case 'outdated':
      storageNotice.value = 'A newer version of this app was opened in another tab. Reload this tab to update.';
      break;
    case 'terminated':
      storageNotice.value = null; // the next access reopens the database by itself
      break;
  }
});
