// The frame every app shares: runtime config, sign-in, the GraphQL client, hash routes; the portal's language.
import {
  LANGUAGES, LANGUAGE_NAMES, chooseLanguage, chosenLanguage, loadCatalogue, pickLanguage, t, useCatalogue,
} from './i18n.js';
import { failureText } from './refusals.js';
import { Session } from './session.js';
import { h, show, notice } from './ui.js';

/** An operation that failed as a whole: the API's message and code (and, for an unexpected error, the reference). */
export class ApiError extends Error {
  constructor(message, code, reference) { super(message); this.code = code; this.reference = reference; }
}

/** Runtime config served beside the pages: {graphqlUrl, auth: {mode: local|cognito, customer, staff}}
 *  (deployed: customer and staff = {domain, clientId} of the customers' and the staff user pool). */
async function loadConfig() {
  const response = await fetch('/config.json', { cache: 'no-store' }).catch(() => null);
  if (!response?.ok) throw new ApiError(`config.json: ${response?.status ?? 'no answer'}`, 'UNREACHABLE');
  return response.json();
}

/** The page speaks `catalogue`: the frame's own words too (the page's title, the app's name, the skip link). */
function speak(catalogue, { title, name }) {
  useCatalogue(catalogue);
  document.title = t(name);
  document.querySelector('header .app').textContent = t(name);
  document.querySelector('.skip').textContent = t('Skip to content');
  const switcher = document.querySelector('label[for=language]');
  if (switcher) switcher.textContent = t('Language');
  document.querySelector('meta[name=description]')?.setAttribute('content', t('Return an item: your orders, quotes and returns'));
  return t(title);
}

/** The language switcher: each language by its own name; the choice is kept and the page speaks it at once. */
function languageSwitcher(current, onChosen) {
  const picker = h('select', { id: 'language', name: 'language' }, LANGUAGES.map((language) => h('option',
    { value: language, lang: language, selected: language === current }, LANGUAGE_NAMES[language])));
  picker.addEventListener('change', () => { chooseLanguage(picker.value); onChosen(picker.value); });
  return h('div', { class: 'language' }, h('label', { for: picker.id }, t('Language')), picker);
}

/**
 * startApp({app, role, roles, title, name, nav: [[href, text, roles?]], routes: [[regex, view, roles?]], home, languages})
 * A view is `async (ctx, ...matches) => Node[]`; ctx = {gql, session, go, root, refresh}.
 * `roles`: the staff groups that may use the app (default [role]); a nav entry or route naming its own
 * roles is for those only, the others are for `role` (the console: agents, and merchants on Insights).
 * `languages`: the app speaks the customer's language (their choice, else their browser's), with a switcher;
 * `title`, `name` (the app's name in the bar) and the nav's texts are then message ids (N_). Staff apps stay English.
 */
export async function startApp({ app, role, roles = [role], title: titleId, name, nav, routes, home, languages = false }) {
  const root = document.getElementById('main');
  const who = document.getElementById('who');
  let title = titleId;
  if (languages) {
    const language = pickLanguage(chosenLanguage(), navigator.languages);
    title = speak(await loadCatalogue(language), { title: titleId, name });
  }
  let config;
  const session = new Session(app, roles);
  const mayUse = (current, only) => role === 'customer' || (only || [role]).some((group) => current.groups.includes(group));
  try {
    config = await loadConfig();
    await session.completeRedirect(config);
    await session.adopt(); // a new tab: signed in like the app's open tabs
  } catch (error) {
    show(root, h('h1', {}, title), notice(failureText(error), 'error'));
    return;
  }

  async function gql(document, variables = {}) {
    let response;
    try {
      response = await fetch(config.graphqlUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(session.token ? { Authorization: `Bearer ${session.token}` } : {}) },
        body: JSON.stringify({ query: document, variables }),
      });
    } catch { throw new ApiError('The returns service could not be reached.', 'UNREACHABLE'); }
    let body;
    // not JSON: a proxy's or a load balancer's error page, the service itself was not reached
    try { body = await response.json(); } catch { throw new ApiError(`The service answered ${response.status}.`, 'UNREACHABLE'); }
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      if (code === 'UNAUTHENTICATED') { session.end(); render(); }
      throw new ApiError(error.message, code, error.extensions?.requestId);
    }
    return body.data;
  }

  function signedInHeader(current) {
    who.replaceChildren(
      nav?.length ? h('nav', { 'aria-label': t('Sections') }, h('ul', {}, nav.filter(([, , only]) => mayUse(current, only))
        .map(([href, text]) => h('li', {}, h('a', { href }, t(text)))))) : null,
      h('span', { class: 'who' }, current.email), ' ',
      h('button', { type: 'button', class: 'secondary', onclick: () => { session.end(); render(); } }, t('Sign out')));
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
    if (role !== 'customer' && !roles.some((group) => current.groups.includes(group))) { // staff pages: English
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
        if (ticket === rendering && session.current) show(root, h('h1', {}, title), notice(failureText(error), 'error'));
      }
      return;
    }
    go(start);
  }

  if (languages) {
    document.querySelector('header.bar').append(languageSwitcher(document.documentElement.lang, async (language) => {
      title = speak(await loadCatalogue(language), { title: titleId, name });
      await render();
      document.getElementById('language').focus(); // the reader stays where they chose
    }));
  }
  session.onEnded = () => render(); // signed out in another tab
  window.addEventListener('hashchange', render);
  document.querySelector('.skip')?.addEventListener('click', (event) => { event.preventDefault(); root.focus(); });
  await render();
  document.body.dataset.ready = 'true'; // tests wait for this
}
