import { render } from 'preact';
import { App } from './ui/app/App';
import './ui/app/theme.css';

render(<App />, document.getElementById('app')!);
