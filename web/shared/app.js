// The frame every app shares: runtime config, sign-in, the GraphQL client, hash routes.
import { Session } from './session.js';
import { h, show, notice } from './ui.js';

export class ApiError extends Error {
  constructor(message, code) { super(message); this.code = code; }
}

/** Runtime config served beside the pages: {graphqlUrl, auth: {mode: local|cognito, customer, staff}}
 *  (deployed: customer and staff = {domain, clientId} of the customers' and the staff user pool). */
async function loadConfig() {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return response.json();
}

/**
 * startApp({app, role, roles, title, nav: [[href, text, roles?]], routes: [[regex, view, roles?]], home})
 * A view is `async (ctx, ...matches) => Node[]`; ctx = {gql, session, go, root, refresh}.
 * `roles`: the staff groups that may use the app (default [role]); a nav entry or route naming its own
 * roles is for those only, the others are for `role` (the console: agents, and merchants on Insights).
 */
export async function startApp({ app, role, roles = [role], title, nav, routes, home }) {
  const root = document.getElementById('main');
  const who = document.getElementById('who');
  let config;
  const session = new Session(app, roles);
  const mayUse = (current, only) => role === 'customer' || (only || [role]).some((group) => current.groups.includes(group));
  try {
    config = await loadConfig();
    await session.completeRedirect(config);
    await session.adopt(); // a new tab: signed in like the app's open tabs
  } catch (error) {
    show(root, h('h1', {}, title), notice(error.message, 'error'));
    return;
  }

  async function gql(document, variables = {}) {
    const response = await fetch(config.graphqlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(session.token ? { Authorization: `Bearer ${session.token}` } : {}) },
      body: JSON.stringify({ query: document, variables }),
    });
    let body;
    try { body = await response.json(); } catch { throw new ApiError(`The service answered ${response.status}.`); }
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      if (code === 'UNAUTHENTICATED') { session.end(); render(); }
      throw new ApiError(error.message, code);
    }
    return body.data;
  }

  function signedInHeader(current) {
    who.replaceChildren(
      nav?.length ? h('nav', { 'aria-label': 'Sections' }, h('ul', {}, nav.filter(([, , only]) => mayUse(current, only))
        .map(([href, text]) => h('li', {}, h('a', { href }, text))))) : null,
      h('span', { class: 'who' }, current.email), ' ',
      h('button', { type: 'button', class: 'secondary', onclick: () => { session.end(); render(); } }, 'Sign out'));
  }

  const go = (hash) => { if (location.hash === hash) render(); else location.hash = hash; };
  const ctx = { gql, session, go, root, refresh: () => render() };

  let rendering = 0; // only the latest navigation may fill the page (an older, slower view must not)
  async function render() {
    const ticket = ++rendering;
    const current = session.current;
    if (!current) {
      who.replaceChildren();
      show(root, session.signInForm(config, render));
      return;
    }
    if (role !== 'customer' && !roles.some((group) => current.groups.includes(group))) {
      signedInHeader(current);
      show(root, h('h1', {}, title), notice(`This screen is for the ${roles.join(' or ')} team; ${current.email} is not in it.`, 'error'));
      return;
    }
    signedInHeader(current);
    const start = mayUse(current) ? home : nav.find(([, , only]) => mayUse(current, only))[0];
    const hash = location.hash.startsWith('#/') ? location.hash : start;
    for (const [pattern, view, only] of routes) {
      const match = hash.match(pattern);
      if (!match) continue;
      if (!mayUse(current, only)) { go(start); return; }
      const args = match.slice(1).map((part) => (part === undefined ? undefined : decodeURIComponent(part)));
      try {
        const nodes = await view(ctx, ...args);
        if (ticket === rendering) show(root, nodes);
      } catch (error) {
        if (ticket === rendering && session.current) show(root, h('h1', {}, title), notice(error.message, 'error'));
      }
      return;
    }
    go(start);
  }

  session.onEnded = () => render(); // signed out in another tab
  window.addEventListener('hashchange', render);
  document.querySelector('.skip')?.addEventListener('click', (event) => { event.preventDefault(); root.focus(); });
  await render();
  document.body.dataset.ready = 'true'; // tests wait for this
}
