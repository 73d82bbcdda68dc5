// Service console (agents): the review queue with each screening flag explained, approve/decline with
// a reason, search (RMA, order, customer email, tracking number), refunds, packages for unknown returns.
import { startApp } from '/shared/app.js';
import {
  APPROVE_RETURN, CANCEL_RETURN, DECLINE_RETURN, FAILED_REFUNDS, FIND_BY_TRACKING, ISSUE_REFUND, RETRY_REFUND, RETURN,
  REVIEW_QUEUE, SEARCH_RETURNS, UNKNOWN_PACKAGES,
} from '/shared/operations.js';
import {
  CANCELABLE, REFUND_FAILED, flagList, itemsCard, moneyCard, returnHeading, returnsTable, screeningCard, shippingCard,
  timelineCard,
} from '/shared/returns.js';
import { h, busy, dateTime, field, money, notice, select, userErrors } from '/shared/ui.js';

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

async function queueView(ctx, done) {
  const queue = (await ctx.gql(REVIEW_QUEUE)).returns.edges.map((edge) => edge.node);
  return [
    h('h1', {}, 'Review queue'),
    done ? notice(done, 'success') : null,
    queue.length ? null : notice('Nothing to review.'),
    queue.map((ret) => h('section', { class: 'card', 'aria-labelledby': `q-${ret.id}` },
      h('h2', { id: `q-${ret.id}` }, h('a', { href: `#/return/${encodeURIComponent(ret.id)}` }, ret.id)),
      h('p', { class: 'muted' }, `Order ${ret.order.id} · ${ret.order.email} · quoted ${money(ret.quote.total)} · requested ${dateTime(ret.createdAt)}`),
      h('h3', {}, 'Why it was flagged'), flagList(ret.screening.flags),
      decisionForm(ctx, ret, { onDone: (text) => ctx.go(`#/queue/${encodeURIComponent(text)}`) }))),
  ];
}

const KINDS = { auto: 'Anything', rma: 'RMA', order: 'Order id', email: 'Customer email', tracking: 'Tracking number' };

async function search(ctx, kind, term) {
  if (kind === 'auto') {
    if (term.includes('@')) kind = 'email';
    else if (/^RMA-/i.test(term)) kind = 'rma';
  }
  const found = [];
  if (kind === 'rma' || kind === 'auto') {
    const ret = (await ctx.gql(RETURN, { id: term.toUpperCase() })).return;
    if (ret) found.push(ret);
  }
  if (kind === 'order' || kind === 'auto') found.push(...(await ctx.gql(SEARCH_RETURNS, { orderId: term })).returns.edges.map((e) => e.node));
  if (kind === 'email') found.push(...(await ctx.gql(SEARCH_RETURNS, { customerEmail: term })).returns.edges.map((e) => e.node));
  if (kind === 'tracking' || kind === 'auto') found.push(...(await ctx.gql(FIND_BY_TRACKING, { trackingNumber: term })).returnsByTrackingNumber);
  return [...new Map(found.map((ret) => [ret.id, ret])).values()];
}

async function searchView(ctx, kind = 'auto', term = '') {
  const input = h('input', { type: 'search', name: 'q', value: term, autocomplete: 'off' });
  const kindSelect = select(KINDS, kind, { name: 'kind' });
  const form = h('form', { role: 'search', class: 'card' },
    h('div', { class: 'row' }, h('div', { class: 'grow' }, field('Search returns', input, 'RMA, order id, customer email or tracking number')),
      field('Look in', kindSelect), h('button', { type: 'submit' }, 'Search')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) ctx.go(`#/search/${kindSelect.value}/${encodeURIComponent(input.value.trim())}`);
  });
  let results = null;
  if (term) {
    const found = await search(ctx, kind, term);
    results = h('section', { 'aria-labelledby': 'results-title' }, h('h2', { id: 'results-title' }, `${found.length} result${found.length === 1 ? '' : 's'} for “${term}”`),
      found.length ? returnsTable(found) : notice('No return matches.'));
  }
  return [h('h1', {}, 'Search'), form, results];
}

async function returnView(ctx, id) {
  const ret = (await ctx.gql(RETURN, { id })).return;
  if (!ret) return [h('h1', {}, 'Return not found'), notice(`There is no return ${id}.`, 'error')];
  const message = h('div');
  const run = (button, send) => busy(button, async () => {
    const answer = await send();
    if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors));
    else ctx.refresh();
  }).catch((error) => message.replaceChildren(notice(error.message, 'error')));
  const failed = ret.refund && REFUND_FAILED.has(ret.refund.status);
  const refund = failed
    ? h('button', { type: 'button', onclick: () => run(refund, async () => (await ctx.gql(RETRY_REFUND, { id })).retryRefund) }, 'Retry the refund')
    : h('button', { type: 'button', onclick: () => run(refund, async () => (await ctx.gql(ISSUE_REFUND, { id })).issueRefund) }, 'Issue the refund');
  const cancel = h('button', { type: 'button', class: 'danger', onclick: () => run(cancel, async () => (await ctx.gql(CANCEL_RETURN, { id })).cancelReturn) }, 'Cancel this return');
  return [
    returnHeading(ret),
    h('p', {}, `Customer: ${ret.order.email}`),
    message,
    ret.status === 'UNDER_REVIEW' ? h('section', { class: 'card', 'aria-labelledby': 'decide-title' },
      h('h2', { id: 'decide-title' }, 'Decision'), decisionForm(ctx, ret, { onDone: () => ctx.refresh() })) : null,
    ret.status === 'INSPECTED' ? h('p', {}, refund) : null,
    screeningCard(ret), moneyCard(ret), itemsCard(ret), shippingCard(ret), timelineCard(ret),
    CANCELABLE.has(ret.status) ? h('p', {}, cancel) : null,
  ];
}

async function packagesView(ctx) {
  const packages = (await ctx.gql(UNKNOWN_PACKAGES)).unknownPackages.edges.map((edge) => edge.node);
  return [
    h('h1', {}, 'Packages for unknown returns'),
    h('p', { class: 'muted' }, 'REQ-FIRST: the warehouse refused these packages (no approved return request) and recorded them here.'),
    packages.length ? h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, ['Scanned', 'Why refused', 'By', 'When'].map((t) => h('th', {}, t)))),
      h('tbody', {}, packages.map((p) => h('tr', {}, h('td', {}, p.scanned), h('td', { 'data-label': 'Why' }, p.reason),
        h('td', { 'data-label': 'By' }, p.scannedBy), h('td', { 'data-label': 'When' }, dateTime(p.at))))))
      : notice('No unknown packages.'),
  ];
}

/** Refunds the payment provider refused or failed (nothing was paid), oldest first, each with a retry. */
async function failedRefundsView(ctx, done) {
  const failed = (await ctx.gql(FAILED_REFUNDS)).failedRefunds.edges.map((edge) => edge.node);
  const message = h('div');
  const retry = (ret) => {
    const button = h('button', { type: 'button', 'aria-label': `Retry the refund of ${ret.id}` }, 'Retry');
    button.addEventListener('click', () => busy(button, async () => {
      const answer = (await ctx.gql(RETRY_REFUND, { id: ret.id })).retryRefund;
      if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors));
      else ctx.go(`#/failed-refunds/${encodeURIComponent(`${ret.id}: refund ${answer.return.refund.status.toLowerCase()}`)}`);
    }).catch((error) => message.replaceChildren(notice(error.message, 'error'))));
    return button;
  };
  return [
    h('h1', {}, 'Failed refunds'),
    h('p', { class: 'muted' }, 'REFUND-ORIGINAL: the payment provider refused these refunds or reported them failed; nothing was paid. Ops were alerted. Retry once the cause is fixed.'),
    done ? notice(done, 'success') : null, message,
    failed.length ? h('table', { class: 'stack', id: 'failed-refunds' },
      h('thead', {}, h('tr', {}, ['RMA', 'Customer', 'Amount', 'Why it failed', 'Attempt', 'Action'].map((t) => h('th', {}, t)))),
      h('tbody', {}, failed.map((ret) => h('tr', {},
        h('td', {}, h('a', { href: `#/return/${encodeURIComponent(ret.id)}` }, ret.id)),
        h('td', { 'data-label': 'Customer' }, ret.order.email),
        h('td', { 'data-label': 'Amount' }, money(ret.refund.amount)),
        h('td', { 'data-label': 'Why' }, ret.refund.failureReason || ret.refund.status),
        h('td', { 'data-label': 'Attempt' }, String(ret.refund.attempt)),
        h('td', {}, retry(ret))))))
      : notice('No failed refunds.'),
  ];
}

startApp({
  app: 'console', role: 'agent', title: 'Service console', home: '#/queue',
  nav: [['#/queue', 'Review queue'], ['#/search', 'Search'], ['#/failed-refunds', 'Failed refunds'], ['#/packages', 'Unknown packages']],
  routes: [
    [/^#\/queue(?:\/(.+))?$/, queueView],
    [/^#\/search(?:\/(\w+)\/(.+))?$/, searchView],
    [/^#\/return\/([^/]+)$/, returnView],
    [/^#\/packages$/, packagesView],
    [/^#\/failed-refunds(?:\/(.+))?$/, failedRefundsView],
  ],
});
