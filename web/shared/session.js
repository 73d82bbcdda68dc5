// Who is signed in, per app. A tab keeps its own session (sessionStorage: nothing outlives the tabs); a
// new tab of the same app (a return opened in a new tab, a link from an email while the portal is open)
// asks the app's open tabs for theirs over a BroadcastChannel (this origin only) and keeps a copy, so it
// stays signed in; signing out in one tab signs out them all.
//   local   (make dev): pick a demo user; the local stack mints a token (loopback only).
//   cognito (deployed): the Hosted UI, authorization code + PKCE (S256); the id token is the bearer.
//     Customers sign in to the customers' pool, staff to the staff pool (TOTP at every sign-in):
//     config.auth.customer / config.auth.staff = {domain, clientId}.
import { t } from './i18n.js';
import { h, field, select, notice } from './ui.js';

const PKCE_KEY = 'returns.pkce';
const ASK_OPEN_TABS_MS = 400; // an open tab answers at once; a lone tab waits this long before signing in
const FRESH_FOR_MS = 30_000; // a session that ends sooner than this counts as ended (sign in again)

export class Session {
  constructor(app, roles) {
    this.app = app;
    this.roles = Array.isArray(roles) ? roles : [roles];
    this.role = this.roles[0]; // the app's own role (the pool it signs in to)
    this.key = `returns.session.${app}`;
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(this.key) : null;
    this.channel?.addEventListener('message', ({ data }) => {
      if (data?.type === 'ask' && this.current) this.channel.postMessage({ type: 'session', saved: this.current });
      if (data?.type === 'end') { sessionStorage.removeItem(this.key); this.onEnded?.(); }
    });
  }

  /** A new tab: take the session of an open tab of this app, if one answers (true when it did). */
  async adopt() {
    if (this.current || !this.channel) return Boolean(this.current);
    return new Promise((resolve) => {
      const done = (adopted) => { clearTimeout(timer); this.channel.removeEventListener('message', listen); resolve(adopted); };
      const listen = ({ data }) => {
        if (data?.type !== 'session' || !(data.saved?.exp * 1000 > Date.now() + FRESH_FOR_MS)) return;
        sessionStorage.setItem(this.key, JSON.stringify(data.saved));
        done(true);
      };
      const timer = setTimeout(() => done(false), ASK_OPEN_TABS_MS);
      this.channel.addEventListener('message', listen);
      this.channel.postMessage({ type: 'ask' });
    });
  }

  get current() {
    const saved = JSON.parse(sessionStorage.getItem(this.key) || 'null');
    if (!saved || saved.exp * 1000 <= Date.now() + FRESH_FOR_MS) return null; // expired (or nearly): sign in again
    return saved;
  }

  get token() { return this.current?.token || null; }

  /** This app's user pool in the runtime config: {domain, clientId}. */
  pool(config) { return config.auth[this.role === 'customer' ? 'customer' : 'staff']; }

  start(token) {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    const groups = claims['cognito:groups'] || [];
    const saved = { token, email: claims.email || claims.sub, exp: claims.exp, groups };
    sessionStorage.setItem(this.key, JSON.stringify(saved));
    return saved;
  }

  end() { sessionStorage.removeItem(this.key); this.channel?.postMessage({ type: 'end' }); }

  /** Finishes a Hosted UI redirect (?code=&state=) if this page load is one; true when signed in by it. */
  async completeRedirect(config) {
    const params = new URLSearchParams(location.search);
    if (config.auth.mode !== 'cognito' || !params.has('code')) return false;
    const pending = JSON.parse(sessionStorage.getItem(PKCE_KEY) || 'null');
    sessionStorage.removeItem(PKCE_KEY);
    // back where sign-in began (an email's link to one return): the Hosted UI returns to the bare page
    history.replaceState(null, '', location.pathname + (pending?.route || location.hash));
    if (!pending || pending.state !== params.get('state')) throw new Error(t('The sign-in answer did not match this browser tab; please sign in again.'));
    const pool = this.pool(config);
    const response = await fetch(`https://${pool.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', client_id: pool.clientId, code: params.get('code'),
        redirect_uri: redirectUri(), code_verifier: pending.verifier,
      }),
    });
    if (!response.ok) throw new Error(t('Sign-in failed ({status}); please try again.', { status: response.status }));
    this.start((await response.json()).id_token);
    return true;
  }

  /** The sign-in panel for this app's role. */
  signInForm(config, onSignedIn) {
    if (config.auth.mode === 'cognito') {
      const button = h('button', { type: 'button', onclick: () => hostedUi(this.pool(config)) }, t('Sign in'));
      return h('section', { class: 'card', 'aria-labelledby': 'signin-title' },
        h('h1', { id: 'signin-title' }, t('Sign in')), h('p', {}, t('You will be sent to the Allegra K sign-in page and back.')),
        whySignIn(), button);
    }
    return localSignIn(this, onSignedIn);
  }
}

// Said on every sign-in form: a new tab finds no open signed-in tab to take the session from.
const whySignIn = () => h('p', { class: 'small muted' }, t('Your sign-in lives only in the tabs of this page that are open: '
  + 'a new tab takes it from them, and closing the last one signs you out.'));

function localSignIn(session, onSignedIn) {
  const message = h('div', { 'aria-live': 'polite' });
  const picker = select({}, '', { name: 'user' });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, t('Sign in (local stack)')),
    h('p', { class: 'muted' }, t('Locally, pick a demo user: the local stack signs a token for them. Deployed, this is the Allegra K sign-in page.')),
    whySignIn(),
    field(t('Demo user'), picker),
    session.role === 'customer' ? field(t('Or any customer email'), email, t('Customers see the orders placed with their email.')) : null,
    h('button', { type: 'submit' }, t('Sign in')), message);
  Promise.all(session.roles.map((role) => fetch(`/_local/demo-users?role=${role}`).then((r) => r.json()))).then((lists) => {
    picker.replaceChildren(...lists.flat().map((u) => h('option', { value: `${u.role} ${u.email}` }, `${u.label} (${u.email})`)));
  }).catch(() => message.replaceChildren(notice(t('The local stack did not list its demo users.'), 'error')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const [role, picked] = picker.value.split(' ');
    const chosen = email.value.trim() || picked;
    const query = new URLSearchParams({ role: email.value.trim() ? session.role : role, email: chosen });
    const response = await fetch(`/_local/token?${query}`);
    if (!response.ok) { message.replaceChildren(notice((await response.json()).error || t('Sign-in failed.'), 'error')); return; }
    session.start((await response.json()).token);
    onSignedIn();
  });
  return form;
}

function redirectUri() { return location.origin + location.pathname; }

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function hostedUi(pool) {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, route: location.hash }));
  const url = new URL(`https://${pool.domain}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: pool.clientId, redirect_uri: redirectUri(), scope: 'openid email profile',
    state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(url);
}
