// The web app's entry: one shell for every page (inbox, triage, admin), drawn by Preact into #app.
import { render } from 'preact';
import { App } from './App.js';
import { interceptLinks } from './router.js';

interceptLinks();
render(<App />, document.getElementById('app')!);
