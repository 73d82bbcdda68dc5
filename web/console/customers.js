// Console, customer service by email: a customer's page (their orders with each line's returnability as
// the portal shows it, their returns) and a return an agent starts on the customer's behalf with the
// portal's own request form and quote (web/shared/request.js).
import { CUSTOMER_MAIL, CUSTOMER_ORDER, CUSTOMER_ORDERS, CUSTOMERS_BY_NAME, SEARCH_RETURNS } from '/shared/operations.js';
import { orderLinesTable, requestSections } from '/shared/request.js';
import { returnsTable } from '/shared/returns.js';
import { h, badge, date, field, notice, showMore } from '/shared/ui.js';
import { customerHref, customerLink, startReturnHref } from './links.js';
import { inboxCard } from './mail.js';

function findForm(ctx, email) {
  const input = h('input', { type: 'email', name: 'email', value: email || '', autocomplete: 'off', required: true });
  const form = h('form', { role: 'search', class: 'card' },
    h('div', { class: 'row' }, h('div', { class: 'grow' }, field('Customer email', input, 'The address of their orders or of their email')),
      h('button', { type: 'submit' }, 'Open')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) ctx.go(customerHref(input.value.trim()));
  });
  return form;
}

function orderCard(order, messageId) {
  const titleId = `order-${order.id}`;
  return h('section', { class: 'card', 'aria-labelledby': titleId },
    h('h3', { id: titleId }, `Order ${order.id}`),
    h('p', { class: 'muted' }, `Placed ${date(order.placedAt)}`),
    orderLinesTable(order),
    order.returnability.some((item) => item.eligible)
      ? h('p', {}, h('a', { class: 'button', href: startReturnHref(order.id, messageId) }, `Start a return of ${order.id} for the customer`))
      : h('p', { class: 'muted small' }, 'Nothing in this order can be returned any more.'),
    order.returns.length ? h('ul', { 'aria-label': `Returns of ${order.id}` }, order.returns.map((r) => h('li', {},
      h('a', { href: `#/return/${encodeURIComponent(r.id)}` }, r.id), ' ', badge(r.status), ' ',
      h('span', { class: 'muted small' }, `requested ${date(r.createdAt)}`)))) : null);
}

/** A paged list on the customer's page: its first page in `list`, then "Show more" adds `items(nodes)` to `holder`. */
function pagedSection({ title, what, empty, page, next, items, list, holder = list }) {
  const titleId = `${what}-title`;
  const heading = h('h2', { id: titleId }, title);
  if (!page.edges.length) return h('section', { 'aria-labelledby': titleId }, heading, notice(empty));
  const more = showMore(page.pageInfo, next, (nodes) => {
    const added = items(nodes);
    holder.append(...added);
    return added[0]?.querySelector('a, h3');
  }, what);
  return h('section', { 'aria-labelledby': titleId }, heading, list, more);
}

function returnsSection(page, next) {
  const table = returnsTable(page.edges.map((edge) => edge.node));
  return pagedSection({ title: 'Returns', what: 'returns', empty: 'This customer has no returns.', page, next,
    items: (nodes) => [...returnsTable(nodes).tBodies[0].rows], list: table, holder: table.tBodies[0] });
}

/** What they wrote to customer service (the inbox's and that on returns), newest first; null: an unknown address. */
async function mailSection(ctx, email) {
  const mailOf = async (after) => (await ctx.gql(CUSTOMER_MAIL, { email, after })).customer;
  const customer = await mailOf(null);
  const page = customer?.messages || { edges: [], pageInfo: { hasNextPage: false } };
  const cards = (nodes) => nodes.map((message) => inboxCard(ctx, message, { heading: 'h3', onDone: () => ctx.refresh() }));
  return { customer, section: pagedSection({ title: 'Their email to customer service', what: 'emails', empty: 'No email from this address.',
    page, next: async (after) => (await mailOf(after)).messages, items: cards, list: h('div', {}, cards(page.edges.map((edge) => edge.node))) }) };
}

/** `#/customer/<email>[/from/<messageId>]`: who they are, their returns, their email and their orders (newest first). */
export async function customerView(ctx, email, messageId) {
  const form = findForm(ctx, email);
  if (!email) return [h('h1', {}, 'Customers'), form];
  const ordersOf = async (after) => (await ctx.gql(CUSTOMER_ORDERS, { email, after })).orders;
  const returnsOf = async (after) => (await ctx.gql(SEARCH_RETURNS, { customerEmail: email, after })).returns;
  const [orders, returns, mail] = await Promise.all([ordersOf(null), returnsOf(null), mailSection(ctx, email)]);
  const name = mail.customer?.name;
  const orderCards = (nodes) => nodes.map((order) => orderCard(order, messageId));
  return [
    h('h1', {}, name ? `${name} ` : '', h('span', { class: name ? 'muted' : '' }, email)),
    mail.customer ? null : notice(`No order, return or email has the address ${email}.`),
    messageId ? notice('From their email: a return started from one of their orders below records that email (it joins the return).') : null,
    returnsSection(returns, returnsOf),
    mail.section,
    pagedSection({ title: 'Orders', what: 'orders', empty: 'This customer has no orders.', page: orders, next: ordersOf,
      items: orderCards, list: h('div', {}, orderCards(orders.edges.map((edge) => edge.node))) }),
    form,
  ];
}

/** The request form in an agent's words: the customer asked by email; the agent fills in what they wrote. */
const AGENT_WORDS = {
  methodLegend: 'How will the customer send it?',
  methods: { PREPAID_LABEL: 'Prepaid label (emailed to the customer)', SELF_SHIP: 'The customer ships it on their own' },
  submit: 'Request the return for the customer',
  quoteTitle: 'The quote, as the customer sees it',
  attest: 'The customer confirmed by email that the items are new, unworn, with tags and packaging intact (COND-NEW).',
  attestMissing: 'A return needs the customer’s word that the items are new, unworn, with tags (COND-NEW): ask them by email first.',
  noLabel: (country, labelCountries) => `A prepaid label is offered only for orders shipped to: ${labelCountries}. This order went to `
    + `${country}, so the customer ships it on their own with a traceable carrier.`,
  whyReason: (title) => `Choose the reason the customer gave for “${title}”.`,
  nothingChosen: 'Choose items and reasons to see what the customer would be refunded.',
};

/** `#/order/<id>/return[/from/<messageId>]`: an agent requests a return for the order's customer. */
export async function startReturnView(ctx, orderId, messageId) {
  const { order, returnPolicy } = await ctx.gql(CUSTOMER_ORDER, { id: orderId });
  if (!order) return [h('h1', {}, 'Order not found'), notice(`There is no order ${orderId}.`, 'error')];
  return [
    h('h1', {}, `Start a return of ${order.id} for ${order.email}`),
    h('p', { class: 'muted' }, `Placed ${date(order.placedAt)}. Enter what the customer asked for: items, quantities, reasons, `
      + 'their notes and how they will send it. They get the usual emails; the timeline says customer service requested it on their behalf.'),
    requestSections(ctx, order, {
      labelCountries: returnPolicy.prepaidLabelCountries, words: AGENT_WORDS, input: messageId ? { sourceMessageId: messageId } : {},
      onRequested: (id) => ctx.go(`#/return/${encodeURIComponent(id)}`),
    }),
    h('p', {}, h('a', { href: customerHref(order.email) }, `Back to ${order.email}`)),
  ];
}

/** Search's pointer to the customer view: a customer's email, or an order id that matched no return. */
export async function customerHint(ctx, kind, term, found) {
  if (kind === 'email' || (kind === 'auto' && term.includes('@'))) return h('p', {}, 'Their orders, returns and mail: ', customerLink(term));
  if (found.length || !['order', 'auto'].includes(kind)) return null;
  const order = (await ctx.gql(CUSTOMER_ORDER, { id: term })).order;
  return order ? h('p', {}, `Order ${order.id} of `, customerLink(order.email), ' has no returns yet. ',
    h('a', { href: startReturnHref(order.id) }, `Start a return of ${order.id} for the customer`)) : null;
}

/** Could `term` be (part of) a name? Two letters or digits at least, as the service keys names. */
export const nameLike = (term) => term.normalize('NFKC').replace(/[^\p{L}\p{N}]/gu, '').length >= 2 && !term.includes('@');

/** Search's customers by name: each leads to the customer's page (their newest order under that name beside it). */
export async function customersNamed(ctx, term) {
  const page = async (after) => (await ctx.gql(CUSTOMERS_BY_NAME, { name: term, after })).customersByName;
  const first = await page(null);
  const row = (match) => h('tr', {},
    h('td', {}, h('a', { href: customerHref(match.email) }, match.name)),
    h('td', { 'data-label': 'Email' }, match.email),
    h('td', { 'data-label': 'Newest order' }, match.newestOrder ? `${match.newestOrder.id}, placed ${date(match.newestOrder.placedAt)}` : '–'));
  const rows = h('tbody', {}, first.edges.map((edge) => row(edge.node)));
  const more = showMore(first.pageInfo, page, (matches) => {
    const added = matches.map(row);
    rows.append(...added);
    return added[0]?.querySelector('a');
  }, 'customers');
  return h('section', { 'aria-labelledby': 'names-title' },
    h('h2', { id: 'names-title' }, `Customers named “${term}”`),
    first.edges.length ? [h('table', { class: 'stack', id: 'customers-named' },
      h('thead', {}, h('tr', {}, ['Name', 'Email', 'Newest order'].map((t) => h('th', {}, t)))), rows), more]
      : notice('No customer’s orders carry this name.'));
}
