// Tiny DOM helpers shared by the three apps (no framework: the pages are small).
import { N_, speaking, t } from './i18n.js';

/** h('p', {class: 'x'}, 'text', child) — builds an element; attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name in el && name !== 'list' && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replaces the view, moves focus to its heading (screen readers and keyboards land on the new page). */
export function show(root, ...children) {
  root.replaceChildren(...children.flat(Infinity).filter(Boolean));
  const heading = root.querySelector('h1');
  if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: false }); }
}

// Amounts and days in the page's language, written as the emails write them (Babel's formats, i18n.js):
// a page and an email name the same amount and the same day the same way. Staff pages: English.
export const money = (m) => speaking().money(m);
export const date = (iso) => speaking().day(iso);
/** A moment: medium date, short time, in UTC (named). */
export const dateTime = (iso) => speaking().moment(iso);

/** a + b, exact (decimal strings of the same currency, up to 4 places). */
export function plus(a, b) {
  const units = (m) => { const [w, f = ''] = m.amount.replace(/^-/, '').split('.'); const v = BigInt(w + (f + '0000').slice(0, 4)); return m.amount.startsWith('-') ? -v : v; };
  const sum = units(a) + units(b);
  const text = (sum < 0n ? -sum : sum).toString().padStart(5, '0');
  return { amount: `${sum < 0n ? '-' : ''}${text.slice(0, -4)}.${text.slice(-4)}`, currencyCode: a.currencyCode };
}
/** A country's name from its ISO code, in the reader's language ("CA": Canada, カナダ; CLDR). */
export const countryName = (code) => speaking().country(code);
/** A list of country names as one phrase: "the United States", "Canada and Mexico". */
export const countryList = (codes) => speaking().list(codes.map(countryName));

const STATUS_WORDS = {
  REQUESTED: N_('Requested'), UNDER_REVIEW: N_('Under review'), APPROVED: N_('Approved'), DECLINED: N_('Declined'),
  CANCELED: N_('Canceled'), EXPIRED: N_('Expired'), IN_TRANSIT: N_('On its way'), RECEIVED: N_('Received'),
  INSPECTED: N_('Inspected'), REFUNDED: N_('Refunded'),
};
const STATUS_TONE = { DECLINED: 'bad', CANCELED: 'muted', EXPIRED: 'bad', REFUNDED: 'ok', UNDER_REVIEW: 'warn' };
export const statusWord = (status) => (STATUS_WORDS[status] ? t(STATUS_WORDS[status]) : status);
export const badge = (status) => h('span', { class: `badge ${STATUS_TONE[status] || ''}` }, statusWord(status));

// Marked for the catalogues (N_) and translated where shown (t(REASONS[code])); the staff pages show them as they are.
export const REASONS = {
  SIZE_TOO_SMALL: N_('Too small'), SIZE_TOO_LARGE: N_('Too large'), STYLE: N_('Style not as hoped'),
  UNWANTED: N_('No longer wanted'), OTHER: N_('Other'), DEFECTIVE: N_('Defective'),
  NOT_AS_DESCRIBED: N_('Not as described'), WRONG_ITEM: N_('Wrong item sent'),
};
export const CONDITIONS = {
  NEW_WITH_TAGS: N_('New, tags on'), MISSING_TAGS: N_('Tags missing'), WORN: N_('Worn'), WASHED: N_('Washed'),
  IRONED: N_('Ironed'), STAINED: N_('Stained'), DAMAGED: N_('Damaged'), MISSING: N_('Not in the package'),
  WRONG_ITEM: N_('Another item than the one ordered'),
};
// A merchant-responsibility claim as the warehouse answered it (ReturnLine.defectConfirmed)
export const DEFECT_OUTCOMES = {
  true: N_('defect confirmed'), false: N_('no defect found'), null: N_('claim not checked (it stands)'),
};
export const METHODS = { PREPAID_LABEL: N_('Prepaid label (we email it)'), SELF_SHIP: N_('I ship it myself') };

/** A policy clause: its customer-readable text (translated as an explanation: the English text is the binding
 *  one, and a translation missing or out of date shows it as it is), the id only as a small reference beside it. */
export const clause = (c) => h('span', { class: 'clause' }, t(c.text), ' ', h('small', { class: 'ref' }, `(${c.id})`));

export function clauseList(clauses) {
  return h('ul', { class: 'plain' }, clauses.map((c) => h('li', {}, clause(c))));
}

// Who acted, as the API names it for a customer (graphql customer_view.py); staff read the recorded actor.
// Translators: who acted on a step of a return's timeline.
const ACTORS = {
  you: N_('you'), 'customer service': N_('customer service'), warehouse: N_('warehouse'), store: N_('store'),
  'payment provider': N_('payment provider'), 'label service': N_('label service'), automatic: N_('automatic'),
};
const actorWord = (actor) => (ACTORS[actor] ? t(ACTORS[actor]) : actor);

// Staff read the recorded actor, in words: people are "<role>:<email or id>", services go by name
// ("screening", "system", "payments", "label") or with what they speak for ("carrier:UPS").
const STAFF_ROLES = { customer: 'customer', agent: 'customer service', warehouse: 'warehouse', integration: 'store', carrier: 'carrier' };
const SERVICES = { screening: 'screening (automatic)', system: 'automatic', payments: 'payment provider', label: 'label service' };
export function staffActor(actor) {
  const [role, who] = actor.includes(':') ? [actor.slice(0, actor.indexOf(':')), actor.slice(actor.indexOf(':') + 1)] : [actor, ''];
  if (!who) return SERVICES[role] || actor;
  return STAFF_ROLES[role] ? `${STAFF_ROLES[role]} (${who})` : actor;
}

/** A return's history; `who` names who acted (the customer's API already gives words, staff read staffActor). */
export function timeline(events, who = actorWord) {
  return h('ol', { class: 'timeline', 'aria-label': t('Timeline') }, events.map((e) => h('li', {},
    // internal notes reach staff pages only (English): the API never gives them to a customer
    e.internal ? h('strong', { class: 'warn' }, 'Internal note (the customer does not see it)') : h('strong', {}, statusWord(e.status)),
    ' ', h('span', { class: 'muted small' }, dateTime(e.at), ' · ', who(e.actor)),
    e.note ? h('div', { class: 'small' }, e.note) : null)));
}

export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function address(a) {
  // written as the destination country writes it (UPU), the country named in the reader's language
  return h('address', {}, [a.name, a.line1, a.line2, `${a.city}${a.region ? `, ${a.region}` : ''} ${a.postalCode}`, countryName(a.countryCode)]
    .filter(Boolean).flatMap((text, i) => (i ? [h('br'), text] : [text])));
}

/** A notice in the page's live region (read out by screen readers). */
export function notice(text, kind = '') {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** The service's refusals: sentences for people, as the service words them or as `word(error)` does (the portal's
 *  translation words each by its code, web/shared/refusals.js). */
export function userErrors(errors, word = (error) => error.message) {
  return notice(speaking().sentences(errors.map(word)), 'error');
}

/** Fields that need a label: <label for> + control, wrapped, with a place for the field's own error. */
let ids = 0;
export function field(labelText, control, hint) {
  control.id ||= `f${++ids}`;
  const hintEl = hint ? h('span', { class: 'muted small', id: `${control.id}-hint` }, hint) : null;
  const errorEl = h('span', { class: 'field-error', id: `${control.id}-error`, role: 'alert' });
  control.setAttribute('aria-describedby', [hintEl?.id, errorEl.id].filter(Boolean).join(' '));
  return h('div', { class: 'field' }, h('label', { for: control.id }, labelText), control, hintEl, errorEl);
}

/** Says what is wrong next to a field (a control made by field(), or with its own `<id>-error`), or clears it. */
export function fieldError(control, text) {
  const slot = document.getElementById(`${control.id}-error`);
  if (slot) slot.textContent = text;
  if (text) control.setAttribute('aria-invalid', 'true'); else control.removeAttribute('aria-invalid');
}

/**
 * A button that asks before it acts: the first press shows the question with "yes" and "no"; only
 * "yes" runs `action`. The keyboard lands on "no", the safe answer; "no" puts the button back.
 */
export function confirmButton(label, { question, yes, no = t('No, go back'), kind = 'danger', action }) {
  const start = h('button', { type: 'button', class: kind }, label);
  const confirm = h('button', { type: 'button', class: kind }, yes);
  const cancel = h('button', { type: 'button', class: 'secondary' }, no);
  const ask = h('div', { class: 'confirm', role: 'group', 'aria-label': label, hidden: true }, h('p', {}, question), h('div', { class: 'row' }, confirm, cancel));
  start.addEventListener('click', () => { start.hidden = true; ask.hidden = false; cancel.focus(); });
  cancel.addEventListener('click', () => { ask.hidden = true; start.hidden = false; start.focus(); });
  confirm.addEventListener('click', () => busy(confirm, action));
  return h('div', {}, start, ask);
}

export function select(options, value, attrs = {}) {
  return h('select', attrs, Object.entries(options).map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

/** Runs an action once at a time from a button: disabled while running (a double click sends once). */
export async function busy(button, action) {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try { return await action(); } finally { button.disabled = false; button.removeAttribute('aria-busy'); }
}

/**
 * "Show more" under a list whose first page is on screen. `next(after)` fetches the following page (a
 * connection: {edges, pageInfo}); `add(nodes)` puts its nodes on the page and returns the first new
 * element, which gets the focus (keyboard users go on from there); the status line says how many came.
 * `what` names the items in English ('returns'), or gives the words: {more, shown(count, last)} (the portal's, translated).
 */
export function showMore(pageInfo, next, add, what) {
  const words = typeof what === 'string'
    ? { more: `Show more ${what}`, shown: (count, last) => `${count} more ${what} shown${last ? '; that is all' : ''}.` } : what;
  let cursor = pageInfo.endCursor;
  const status = h('p', { class: 'small muted', role: 'status' });
  const button = h('button', { type: 'button', class: 'secondary', hidden: !pageInfo.hasNextPage }, words.more);
  button.addEventListener('click', () => busy(button, async () => {
    const page = await next(cursor);
    cursor = page.pageInfo.endCursor;
    const first = add(page.edges.map((edge) => edge.node));
    button.hidden = !page.pageInfo.hasNextPage;
    status.textContent = words.shown(page.edges.length, button.hidden);
    if (!first) return;
    if (!first.matches('a[href], button, input, select, textarea, [tabindex]')) first.tabIndex = -1;
    first.focus();
  }).catch((error) => status.replaceChildren(notice(error.message, 'error'))));
  return h('div', { class: 'more' }, status, button);
}
