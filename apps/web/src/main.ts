// The dashboard shell: header, token prompt, and the hash router that mounts one page at a time. Leaving a page
// aborts its signal, which closes its event stream and cancels its requests.
import './styles.css';
import { ApiError, onUnauthorized, storedToken, storeToken } from './lib/api.js';
import { errorPanel } from './lib/dom.js';
import { escapeHtml } from './lib/format.js';
import { href, parseRoute, type Route } from './lib/router.js';
import { budgetPage } from './pages/budget.js';
import type { PageContext } from './pages/page.js';
import { runPage } from './pages/run.js';
import { sweepPage } from './pages/sweep.js';
import { sweepsPage } from './pages/sweeps.js';

const app = document.querySelector<HTMLElement>('#app')!;
app.innerHTML = `<header class="topbar"><div class="topbar-inner">
    <a class="brand" href="${href.sweeps()}"><span class="logo" aria-hidden="true"></span>shapesweep</a>
    <nav class="nav"><a href="${href.sweeps()}" data-nav="sweeps">Sweeps</a><a href="${href.budget()}" data-nav="budget">Budget query</a><a href="/docs" target="_blank" rel="noopener">API docs</a></nav>
    <button type="button" class="token-button" id="token-button" hidden>Token</button>
  </div></header>
  <div class="token-bar" id="token-bar" hidden>
    <form class="token-form" id="token-form">
      <label for="token-input"><strong>This API needs a token.</strong> Paste one (<code>shapesweep token create --scope read</code>, or the admin token in <code>~/.shapesweep/token</code>). It stays in this browser.</label>
      <div class="token-row"><input id="token-input" name="token" type="password" autocomplete="off" spellcheck="false" placeholder="token">
      <button class="button primary" type="submit">Use token</button><button class="button" type="button" id="token-clear">Forget</button></div>
      <p class="form-error" id="token-error" hidden></p>
    </form>
  </div>
  <main class="container" id="page"></main>
  <footer class="footer container">shapesweep · Transformer shape sweeps per unit of compute</footer>`;

const pageRoot = app.querySelector<HTMLElement>('#page')!;
const tokenBar = app.querySelector<HTMLElement>('#token-bar')!;
const tokenButton = app.querySelector<HTMLButtonElement>('#token-button')!;
const tokenError = app.querySelector<HTMLElement>('#token-error')!;

function showTokenBar(message?: string): void {
  tokenBar.hidden = false;
  tokenError.hidden = message === undefined;
  tokenError.textContent = message ?? '';
  app.querySelector<HTMLInputElement>('#token-input')!.focus();
}

function refreshTokenButton(): void {
  tokenButton.hidden = storedToken() === null;
  tokenButton.textContent = 'Token set';
}

onUnauthorized((error) => showTokenBar(storedToken() === null ? undefined : `The stored token was refused: ${error.message}`));
app.querySelector('#token-form')!.addEventListener('submit', (e) => {
  e.preventDefault();
  const value = app.querySelector<HTMLInputElement>('#token-input')!.value;
  storeToken(value);
  app.querySelector<HTMLInputElement>('#token-input')!.value = '';
  tokenBar.hidden = true;
  refreshTokenButton();
  mount();
});
app.querySelector('#token-clear')!.addEventListener('click', () => {
  storeToken(null);
  refreshTokenButton();
  tokenBar.hidden = true;
  mount();
});
tokenButton.addEventListener('click', () => showTokenBar());
refreshTokenButton();

let current: AbortController | null = null;

function render(route: Route, ctx: PageContext): Promise<void> {
  switch (route.page) {
    case 'sweeps': return sweepsPage(ctx);
    case 'sweep': return sweepPage(ctx, route.id);
    case 'run': return runPage(ctx, route.id);
    case 'budget': return budgetPage(ctx, route.query);
    case 'not-found':
      ctx.setTitle('Not found');
      ctx.root.innerHTML = `<div class="panel"><h1>Not found</h1><p>No page at <code>${escapeHtml(route.path)}</code>. <a href="${href.sweeps()}">Back to the sweeps</a>.</p></div>`;
      return Promise.resolve();
  }
}

function mount(): void {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const route = parseRoute(location.hash);
  for (const link of app.querySelectorAll<HTMLElement>('[data-nav]')) {
    link.classList.toggle('active', link.dataset['nav'] === (route.page === 'budget' ? 'budget' : 'sweeps'));
  }
  const root = document.createElement('div');
  root.className = 'page';
  pageRoot.replaceChildren(root);
  window.scrollTo(0, 0);
  const ctx: PageContext = {
    root,
    signal: controller.signal,
    setTitle: (title) => {
      document.title = `${title} · shapesweep`;
    },
  };
  render(route, ctx)
    .then(() => {
      if (!controller.signal.aborted) root.dataset['ready'] = 'true';
    })
    .catch((err: unknown) => {
      if (controller.signal.aborted) return;
      root.innerHTML = err instanceof ApiError && err.status === 401 ? '<p class="muted">Waiting for a token…</p>' : errorPanel(err instanceof Error ? err.message : String(err));
      root.dataset['ready'] = 'true';
    });
}

window.addEventListener('hashchange', mount);
mount();
