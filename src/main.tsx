import { render } from 'preact';
import { scheduleCheckpointCleanup } from './state/checkpoint-storage';
import { App } from './ui/app/App';
import { ensureStorage } from './storage/availability';
import './ui/app/theme.css';

// Inside an IDE webview the app's storage may be blocked: check before anything opens it.
if (window.parent !== window) await ensureStorage();
render(<App />, document.getElementById('app')!);
scheduleCheckpointCleanup();
