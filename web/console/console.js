// Service console (agents): the review queue with each screening flag explained, approve/decline with
// a reason, search (RMA, order, customer email, tracking number), refunds, packages for unknown returns; customer
// service by email (customers.js: a customer's page, a return on their behalf; mail.js: conversations, the inbox).
import { startApp } from '/shared/app.js';
import {
  APPROVE_RETURN, CANCEL_RETURN, DECLINE_RETURN, FAILED_LABELS, FAILED_REFUNDS, FIND_BY_TRACKING, ISSUE_REFUND, RETRY_LABEL,
  RETRY_REFUND, RETURN, REVIEW_QUEUE, SEARCH_RETURNS, UNKNOWN_PACKAGES,
} from '/shared/operations.js';
import {
  CANCELABLE, REFUND_FAILED, flagList, itemsCard, lineNote, lineTitle, moneyCard, returnHeading, returnsTable, rmaOf,
  screeningCard, shippingCard, timelineCard,
} from '/shared/returns.js';
import {
  h, busy, confirmButton, dateTime, facts, field, money, notice, select, showMore, statusWord, userErrors, REASONS,
} from '/shared/ui.js';
import { customerHint, customersNamed, customerView, nameLike, startReturnView } from './customers.js';
import { customerHref, customerLink } from './links.js';
import { conversationCard, inboxView, reviewWait } from './mail.js';

// The merchant's Insights (merchants and agents; its module loads with the page's first visit).
const INSIGHT_READERS = ['agent', 'merchant'];
const insightsView = async (ctx, ...args) => (await import('./insights/insights.js')).insightsView(ctx, ...args);

/** Approve (optional note) and decline (reason required) a return under review. */
function decisionForm(ctx, ret, { onDone }) {
  const note = h('input', { type: 'text', name: 'note', maxlength: '500' });
  const reason = h('input', { type: 'text', name: 'reason', maxlength: '500' });
  const message = h('div');
  const approve = h('button', { type: 'button' }, 'Approve');
  const decline = h('button', { type: 'button', class: 'danger' }, 'Decline');
  approve.addEventListener('click', () => busy(approve, async () => {
    const answer = (await ctx.gql(APPROVE_RETURN, { id: ret.id, note: note.value.trim() || null })).approveReturn;
    if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors));
    else onDone(`${ret.id} approved.`);
  }).catch((error) => message.replaceChildren(notice(error.message, 'error'))));
  decline.addEventListener('click', () => busy(decline, async () => {
    if (!reason.value.trim()) { message.replaceChildren(notice('A decline needs a reason (the customer reads it).', 'error')); reason.focus(); return; }
    const answer = (await ctx.gql(DECLINE_RETURN, { id: ret.id, reason: reason.value.trim() })).declineReturn;
    if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors));
    else onDone(`${ret.id} declined.`);
  }).catch((error) => message.replaceChildren(notice(error.message, 'error'))));
  return h('div', {},
    h('div', { class: 'row' }, h('div', { class: 'grow' }, field(`Note for ${ret.id} (optional)`, note)), approve),
    h('div', { class: 'row' }, h('div', { class: 'grow' }, field(`Reason to decline ${ret.id}`, reason)), decline),
    message);
}

/** The review queue (reviewQueue): customers who replied first, then by REVIEW-SLA deadline; who waits since when. */
async function queueView(ctx, done) {
  const page = (await ctx.gql(REVIEW_QUEUE)).reviewQueue;
  const card = (ret) => h('section', { class: 'card', 'aria-labelledby': `q-${ret.id}` },
    h('h2', { id: `q-${ret.id}` }, h('a', { href: `#/return/${encodeURIComponent(ret.id)}` }, ret.id)),
    h('p', { class: 'muted' }, `Order ${ret.order.id} · ${ret.order.email} · quoted ${money(ret.quote.total)} · requested ${dateTime(ret.createdAt)}`),
    reviewWait(ret.review),
    h('h3', {}, 'Why it was flagged'), flagList(ret.screening.flags),
    h('h3', {}, 'Items'), h('ul', { class: 'lines' }, ret.lines.map((line) => h('li', {},
      `${lineTitle(ret, line.orderLineId)} × ${line.quantity}: ${REASONS[line.reason] || line.reason}`, lineNote(line)))),
    decisionForm(ctx, ret, { onDone: (text) => ctx.go(`#/queue/${encodeURIComponent(text)}`) }));
  const cards = h('div', {}, page.edges.map((edge) => card(edge.node)));
  const more = showMore(page.pageInfo, async (after) => (await ctx.gql(REVIEW_QUEUE, { after })).reviewQueue, (returns) => {
    const added = returns.map(card);
    cards.append(...added);
    return added[0]?.querySelector('a');
  }, 'returns to review');
  return [
    h('h1', {}, 'Review queue'),
    h('p', { class: 'muted' }, 'Customers who replied first (they wait for us), then those we wait for; in each group the earliest REVIEW-SLA deadline first.'),
    done ? notice(done, 'success') : null,
    page.edges.length ? null : notice('Nothing to review.'),
    cards, more,
  ];
}

const KINDS = {
  auto: 'Anything', rma: 'RMA', order: 'Order id', email: 'Customer email', name: 'Customer name', tracking: 'Tracking number',
};

async function search(ctx, kind, term) {
  if (kind === 'auto' && term.includes('@')) kind = 'email';
  const found = [];
  if (kind === 'name') return { found };
  if (kind === 'rma' || kind === 'auto') {
    // with or without RMA-, any case, O/0 and I/1 alike (the RMA alphabet has no O, I or L)
    const ret = (await ctx.gql(RETURN, { id: rmaOf(term) })).return;
    if (ret) found.push(ret);
  }
  // an order's or a customer's returns come in pages: `listing` fetches the next ones
  const filter = kind === 'email' ? { customerEmail: term } : kind === 'order' || kind === 'auto' ? { orderId: term } : null;
  const listing = filter && (async (after) => (await ctx.gql(SEARCH_RETURNS, { ...filter, after })).returns);
  const page = listing ? await listing(null) : null;
  if (page) found.push(...page.edges.map((e) => e.node));
  if (kind === 'tracking' || kind === 'auto') found.push(...(await ctx.gql(FIND_BY_TRACKING, { trackingNumber: term })).returnsByTrackingNumber);
  return { found: [...new Map(found.map((ret) => [ret.id, ret])).values()], pageInfo: page?.pageInfo, listing };
}

async function searchView(ctx, kind = 'auto', term = '') {
  const input = h('input', { type: 'search', name: 'q', value: term, autocomplete: 'off' });
  const kindSelect = select(KINDS, kind, { name: 'kind' });
  const form = h('form', { role: 'search', class: 'card' },
    h('div', { class: 'row' }, h('div', { class: 'grow' }, field('Search returns and customers', input, 'RMA (RMA- optional), order id, customer email or name, or tracking number')),
      field('Look in', kindSelect), h('button', { type: 'submit' }, 'Search')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) ctx.go(`#/search/${kindSelect.value}/${encodeURIComponent(input.value.trim())}`);
  });
  let results = null;
  if (term) {
    const { found, pageInfo, listing } = await search(ctx, kind, term);
    const table = returnsTable(found);
    const more = pageInfo?.hasNextPage ? showMore(pageInfo, listing, (returns) => {
      const shown = new Set([...table.querySelectorAll('tbody a')].map((a) => a.textContent));
      const rows = returnsTable(returns.filter((ret) => !shown.has(ret.id))).tBodies[0].rows;
      const first = rows[0]?.querySelector('a');
      table.tBodies[0].append(...rows);
      return first;
    }, 'results') : null;
    const count = `${more ? 'First ' : ''}${found.length} return${found.length === 1 ? '' : 's'} for “${term}”`;
    // a name may read like an RMA or an order id: "Anything" looks for customers by name too
    const named = ['auto', 'name'].includes(kind) && nameLike(term) ? await customersNamed(ctx, term) : null;
    results = [kind === 'name' ? null : h('section', { 'aria-labelledby': 'results-title' }, h('h2', { id: 'results-title' }, count),
      found.length ? [table, more] : notice(named ? 'No return matches. Returns are looked up by RMA, order id, email or tracking number, not by name: find the customer below.' : 'No return matches.'), await customerHint(ctx, kind, term, found)), named];
  }
  return [h('h1', {}, 'Search'), form, results];
}

async function returnView(ctx, id) {
  const ret = (await ctx.gql(RETURN, { id })).return;
  if (!ret) return [h('h1', {}, 'Return not found'), notice(`There is no return ${id}.`, 'error')];
  const message = h('div');
  const run = async (send) => {
    const answer = await send();
    if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors));
    else ctx.refresh();
  };
  const failed = ret.refund && REFUND_FAILED.has(ret.refund.status);
  const amount = money(ret.settlement?.amount);
  // paying out cannot be taken back: the amount is said and confirmed before anything is sent
  const refund = confirmButton(failed ? 'Retry the refund' : 'Issue the refund', {
    question: `Refund ${amount} to the original payment method of ${ret.order.email} now? It cannot be taken back.`,
    yes: `Yes, refund ${amount}`, no: 'No, not now', kind: '',
    action: () => run(async () => (failed ? (await ctx.gql(RETRY_REFUND, { id })).retryRefund
      : (await ctx.gql(ISSUE_REFUND, { id })).issueRefund)).catch((error) => message.replaceChildren(notice(error.message, 'error'))),
  });
  const cancel = confirmButton('Cancel this return', {
    question: `Cancel return ${ret.id} for the customer? Nothing will be refunded; they are emailed and an unused label is voided.`,
    yes: 'Yes, cancel it', no: 'No, keep it',
    action: () => run(async () => (await ctx.gql(CANCEL_RETURN, { id })).cancelReturn)
      .catch((error) => message.replaceChildren(notice(error.message, 'error'))),
  });
  const label = h('button', { type: 'button', onclick: () => busy(label, () => run(async () => (await ctx.gql(RETRY_LABEL, { id })).retryLabel))
    .catch((error) => message.replaceChildren(notice(error.message, 'error'))) }, 'Retry the label');
  return [
    returnHeading(ret, 'agent'),
    h('p', {}, 'Customer: ', ret.order.shippingAddress ? `${ret.order.shippingAddress.name} · ` : '', customerLink(ret.order.email)),
    message,
    ret.status === 'UNDER_REVIEW' ? h('section', { class: 'card', 'aria-labelledby': 'decide-title' },
      h('h2', { id: 'decide-title' }, 'Decision'), decisionForm(ctx, ret, { onDone: () => ctx.refresh() })) : null,
    ret.status === 'INSPECTED' ? h('section', { class: 'card', 'aria-labelledby': 'pay-title' },
      h('h2', { id: 'pay-title' }, 'Pay the refund'),
      h('p', {}, `The inspection settled on ${amount}. `, failed ? 'The last attempt failed: retry once the cause is fixed.' : ''), refund) : null,
    ret.labelFailure ? h('p', {}, `The carrier refused the label (attempt ${ret.labelFailure.attempt}): ${ret.labelFailure.reason} `, label) : null,
    screeningCard(ret), await conversationCard(ctx, ret.id), moneyCard(ret, 'agent'), itemsCard(ret, 'agent'), shippingCard(ret, 'agent'),
    timelineCard(ret, 'agent'),
    CANCELABLE.has(ret.status) ? cancel : null,
  ];
}

/** Who refused it: the staff member's address (actors are recorded as role:address). */
const staffOf = (actor) => actor.replace(/^warehouse:/, '');

/** What the warehouse read on a refused package: the sender as the label names them, the label, its note and photos. */
function packageLabel(p) {
  const photos = p.photos.length ? h('ul', { class: 'photos', 'aria-label': `Photos of the package “${p.scanned}”` },
    p.photos.map((photo, index) => h('li', {}, h('a', { href: photo.url, target: '_blank', rel: 'noopener' },
      h('img', { src: photo.url, alt: `Photo ${index + 1} of the package`, loading: 'lazy', width: '160', height: '120' }))))) : null;
  const label = [p.carrier, p.trackingNumber].filter(Boolean).join(' ');
  const pairs = [
    p.senderName || p.senderAddress ? ['Sender', h('span', { class: 'pre' }, [p.senderName, p.senderAddress].filter(Boolean).join('\n'))] : null,
    label ? ['Label', label] : null,
    p.note ? ['Note', h('span', { class: 'pre' }, p.note)] : null,
  ];
  return pairs.some(Boolean) || photos ? [facts(pairs), photos] : h('span', { class: 'muted' }, 'Nothing recorded beyond the scan.');
}

/** What customer service can do with a refused package: find its return, or its sender. */
function packageActions(p) {
  const ret = p.matchedReturn;
  return h('ul', { class: 'plain small' },
    ret ? h('li', {}, h('a', { href: `#/return/${encodeURIComponent(ret.id)}` }, `Open return ${ret.id}`), ` (${statusWord(ret.status).toLowerCase()}); `,
      'contact its customer, ', customerLink(ret.order.email), ': they request a new return, then the warehouse receives it.')
      : h('li', {}, h('a', { href: `#/search/auto/${encodeURIComponent(p.scanned)}` }, `Match “${p.scanned}” to a return`),
        ' (by RMA, tracking number or order)'),
    p.senderMatches.map((match) => h('li', {}, 'The sender may be ', h('a', { href: customerHref(match.email) }, `${match.name} (${match.email})`),
      ': open their page to contact them.')),
    p.senderName && !p.senderMatches.length ? h('li', {}, `No customer’s orders carry the name “${p.senderName}”; `,
      p.senderAddress ? 'write to the address on the label.' : 'the note and photos may tell more.') : null,
    p.senderName && p.senderMatches.length === 3 ? h('li', {}, h('a', { href: `#/search/name/${encodeURIComponent(p.senderName)}` },
      `Every customer named “${p.senderName}”`)) : null);
}

async function packagesView(ctx) {
  const page = (await ctx.gql(UNKNOWN_PACKAGES)).unknownPackages;
  const row = (p) => h('tr', {}, h('td', {}, h('strong', {}, p.scanned)),
    h('td', { 'data-label': 'On the package' }, packageLabel(p)),
    h('td', { 'data-label': 'Refused' }, p.reason, h('br'), h('span', { class: 'muted small' }, `${dateTime(p.at)} by ${staffOf(p.scannedBy)}`)),
    h('td', { 'data-label': 'What you can do' }, packageActions(p)));
  const rows = h('tbody', {}, page.edges.map((edge) => row(edge.node)));
  const more = showMore(page.pageInfo, async (after) => (await ctx.gql(UNKNOWN_PACKAGES, { after })).unknownPackages, (packages) => {
    const added = packages.map(row);
    rows.append(...added);
    return added[0];
  }, 'packages');
  return [
    h('h1', {}, 'Packages for unknown returns'),
    h('p', { class: 'muted' }, 'The warehouse refused these packages (no approved return request), recorded what is on them and set them aside for you. Newest first. ',
      h('small', { class: 'ref' }, '(REQ-FIRST)')),
    page.edges.length ? [h('table', { class: 'stack', id: 'unknown-packages' },
      h('thead', {}, h('tr', {}, ['Scanned', 'On the package', 'Refused', 'What you can do'].map((t) => h('th', {}, t)))), rows), more]
      : notice('No unknown packages.'),
  ];
}

/**
 * Returns a provider failed on (nothing was paid / no label was bought), oldest first, each with a
 * retry: `spec` reads the listing and sends the retry (each a checked document of operations.js),
 * names the columns and how a retry's outcome reads.
 */
async function retryListView(ctx, done, spec) {
  const page = (await spec.list(ctx, {}))[spec.listField];
  const message = h('div');
  const retry = (ret) => {
    const button = h('button', { type: 'button', 'aria-label': `Retry the ${spec.thing} of ${ret.id}` }, 'Retry');
    button.addEventListener('click', () => busy(button, async () => {
      const answer = (await spec.retry(ctx, ret.id))[spec.retryField];
      if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors));
      else ctx.go(`${spec.route}/${encodeURIComponent(`${ret.id}: ${spec.outcome(answer.return)}`)}`);
    }).catch((error) => message.replaceChildren(notice(error.message, 'error'))));
    return button;
  };
  const row = (ret) => h('tr', {},
    h('td', {}, h('a', { href: `#/return/${encodeURIComponent(ret.id)}` }, ret.id)),
    h('td', { 'data-label': 'Customer' }, ret.order.email),
    spec.columns.map(([, label, cell]) => h('td', { 'data-label': label }, cell(ret))),
    h('td', {}, retry(ret)));
  const rows = h('tbody', {}, page.edges.map((edge) => row(edge.node)));
  const more = showMore(page.pageInfo, async (after) => (await spec.list(ctx, { after }))[spec.listField], (failed) => {
    const added = failed.map(row);
    rows.append(...added);
    return added[0]?.querySelector('a');
  }, spec.title.toLowerCase());
  const headers = ['RMA', 'Customer', ...spec.columns.map(([header]) => header), 'Action'];
  return [
    h('h1', {}, spec.title), h('p', { class: 'muted' }, spec.intro),
    done ? notice(done, 'success') : null, message,
    page.edges.length ? [h('table', { class: 'stack', id: spec.route.slice(2) },
      h('thead', {}, h('tr', {}, headers.map((t) => h('th', {}, t)))), rows), more]
      : notice(`No ${spec.title.toLowerCase()}.`),
  ];
}

/** Prepaid labels the carrier refused (the customer has no label and has not shipped). */
const failedLabelsView = (ctx, done) => retryListView(ctx, done, {
  title: 'Failed labels', thing: 'label', route: '#/failed-labels',
  intro: 'LABEL-US: the carrier refused these prepaid labels; the customers were emailed that they may ship on their own or wait. Ops were alerted. Retry once the cause is fixed. Oldest refusal first.',
  list: (ctx, paging) => ctx.gql(FAILED_LABELS, paging), listField: 'failedLabels',
  retry: (ctx, id) => ctx.gql(RETRY_LABEL, { id }), retryField: 'retryLabel',
  outcome: (ret) => (ret.label ? 'label issued and emailed' : 'refused again'),
  columns: [
    ['Why it was refused', 'Why', (ret) => ret.labelFailure.reason],
    ['Attempt', 'Attempt', (ret) => String(ret.labelFailure.attempt)],
    ['Ship by', 'Ship by', (ret) => (ret.shipBy ? dateTime(ret.shipBy) : '–')],
  ],
});

/** Refunds the payment provider refused or failed (nothing was paid). */
const failedRefundsView = (ctx, done) => retryListView(ctx, done, {
  title: 'Failed refunds', thing: 'refund', route: '#/failed-refunds',
  intro: 'REFUND-ORIGINAL: the payment provider refused these refunds or reported them failed; nothing was paid. Ops were alerted. Retry once the cause is fixed. Oldest failure first.',
  list: (ctx, paging) => ctx.gql(FAILED_REFUNDS, paging), listField: 'failedRefunds',
  retry: (ctx, id) => ctx.gql(RETRY_REFUND, { id }), retryField: 'retryRefund',
  outcome: (ret) => `refund ${ret.refund.status.toLowerCase()}`,
  columns: [
    ['Amount', 'Amount', (ret) => money(ret.refund.amount)],
    ['Why it failed', 'Why', (ret) => ret.refund.failureReason || ret.refund.status],
    ['Attempt', 'Attempt', (ret) => String(ret.refund.attempt)],
  ],
});

startApp({
  app: 'console', role: 'agent', roles: INSIGHT_READERS, title: 'Service console', home: '#/queue',
  nav: [['#/queue', 'Review queue'], ['#/inbox', 'Inbox'], ['#/search', 'Search'], ['#/customer', 'Customers'], ['#/failed-refunds', 'Failed refunds'], ['#/failed-labels', 'Failed labels'],
    ['#/packages', 'Unknown packages'], ['#/insights', 'Insights', INSIGHT_READERS]],
  routes: [
    [/^#\/queue(?:\/(.+))?$/, queueView],
    [/^#\/search(?:\/(\w+)\/(.+))?$/, searchView],
    [/^#\/return\/([^/]+)$/, returnView],
    [/^#\/inbox(?:\/(new|all))?(?:\/(.+))?$/, inboxView],
    [/^#\/customer(?:\/([^/]+)(?:\/from\/([^/]+))?)?$/, customerView],
    [/^#\/order\/([^/]+)\/return(?:\/from\/([^/]+))?$/, startReturnView],
    [/^#\/packages$/, packagesView],
    [/^#\/failed-refunds(?:\/(.+))?$/, failedRefundsView],
    [/^#\/failed-labels(?:\/(.+))?$/, failedLabelsView],
    [/^#\/insights(?:\/(\w+))?(?:\/([\d-]+)\/([\d-]+))?$/, insightsView, INSIGHT_READERS],
  ],
});
