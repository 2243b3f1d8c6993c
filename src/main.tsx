import { render } from 'preact';
import { scheduleCheckpointCleanup } from './state/checkpoint-storage';
import { App } from './ui/app/App';
import './ui/app/theme.css';

render(<App />, document.getElementById('app')!);
scheduleCheckpointCleanup();
