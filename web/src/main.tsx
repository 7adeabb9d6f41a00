// Entry point of the browser UI: one single-page app for /login, /agent and /supervisor.
import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';

render(<App />, document.getElementById('app')!);
