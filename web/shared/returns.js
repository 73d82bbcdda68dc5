// One return, as every app shows it: where it stands, where it goes, what it refunds, what happened.
import {
  h, badge, money, date, dateTime, facts, notice, timeline, address, clauseList, REASONS, CONDITIONS, statusWord,
} from './ui.js';

const NEXT_STEP = {
  REQUESTED: 'We are checking the request.',
  UNDER_REVIEW: 'Customer service is reviewing this return; we will email you.',
  APPROVED: 'Approved: send the package to the return address below.',
  IN_TRANSIT: 'The package is on its way to our warehouse.',
  RECEIVED: 'The warehouse received the package and will inspect it.',
  INSPECTED: 'Inspected: the refund goes to the original payment method.',
  REFUNDED: 'Refunded to the original payment method.',
  DECLINED: 'This return was declined.',
  CANCELED: 'This return was canceled.',
  EXPIRED: 'This approval expired: the package was not shipped in time.',
};

export const CANCELABLE = new Set(['REQUESTED', 'UNDER_REVIEW', 'APPROVED']);

export function lineTitle(ret, orderLineId) {
  return ret.order.lines.find((line) => line.id === orderLineId)?.title || orderLineId;
}

export function returnHeading(ret) {
  return [
    h('h1', {}, `Return ${ret.id} `, badge(ret.status)),
    h('p', { class: 'muted' }, `Order ${ret.order.id} · requested ${date(ret.createdAt)}. `, NEXT_STEP[ret.status] || ''),
  ];
}

/** Where and how to send the package (approved returns). */
export function shippingCard(ret) {
  if (!['APPROVED', 'IN_TRANSIT'].includes(ret.status)) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'ship-title' },
    h('h2', { id: 'ship-title' }, 'Send the package'),
    ret.label ? h('p', {}, h('a', { class: 'button', href: ret.label.url, target: '_blank', rel: 'noopener' }, 'Download the prepaid label (PDF)'),
      ' ', h('span', { class: 'small muted' }, `${ret.label.carrier}, label fee ${money(ret.label.fee)}`)) : null,
    ret.labelFailure ? notice('We could not create your prepaid label: the carrier would not issue one for your address. '
      + 'You can ship the package yourself with a traceable carrier (USPS, UPS, FedEx, …; you pay the postage) and enter the '
      + 'tracking number below, or wait: customer service will email you a label if they can get one.', 'error') : null,
    facts([
      ['Ship to', address(ret.returnAddress)],
      ['Tracking number', ret.trackingNumber || 'not yet'],
      ret.shipBy ? ['Ship by', h('strong', {}, date(ret.shipBy))] : null,
    ]),
    h('p', { class: 'small muted' }, 'ADDR-RETURN: please do not send it to the address on your parcel; that is not our return address.'));
}

/** The customer's note on a line (e.g. what is wrong with a defective item), when there is one. */
export function lineNote(line) {
  return line.note ? h('div', { class: 'small note' }, 'Customer’s note: ', h('q', {}, line.note)) : null;
}

export function itemsCard(ret) {
  const inspected = ret.lines.some((line) => line.condition);
  return h('section', { class: 'card', 'aria-labelledby': 'items-title' },
    h('h2', { id: 'items-title' }, 'Items'),
    h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', { class: 'num' }, 'Qty'), h('th', {}, 'Reason'), inspected ? h('th', {}, 'Inspection') : null)),
      h('tbody', {}, ret.lines.map((line) => h('tr', {},
        h('td', {}, lineTitle(ret, line.orderLineId)),
        h('td', { class: 'num', 'data-label': 'Qty' }, line.quantity),
        h('td', { 'data-label': 'Reason' }, REASONS[line.reason] || line.reason, lineNote(line)),
        inspected ? h('td', { 'data-label': 'Inspection' }, CONDITIONS[line.condition] || '–', ' · ',
          line.accepted ? h('span', { class: 'ok' }, 'accepted') : h('span', { class: 'bad' }, 'not accepted')) : null)))));
}

// How the payment provider reports a refund (Refund.status), in the customer's words.
const REFUND_STATUS = {
  PENDING: 'On its way to the original payment method',
  SUCCEEDED: 'Paid to the original payment method',
  REQUIRES_ACTION: 'Waiting for the payment provider',
  FAILED: 'Failed: nothing was paid yet; customer service is on it',
  CANCELED: 'Canceled: nothing was paid yet; customer service is on it',
};
export const REFUND_FAILED = new Set(['FAILED', 'CANCELED']);

export function moneyCard(ret) {
  const q = ret.quote;
  const s = ret.settlement;
  const refund = ret.refund;
  // After inspection the fees can differ from the quote (an unconfirmed defect loses FEE-US-QUALITY, a
  // refused item its price): the parts shown are the settlement's, so they add up to what is refunded.
  const parts = s || q;
  return h('section', { class: 'card', 'aria-labelledby': 'money-title' },
    h('h2', { id: 'money-title' }, 'Refund'),
    facts([
      s ? ['Quoted refund', money(q.total)] : null,
      [s ? 'Items accepted' : 'Items', money(parts.itemsSubtotal)],
      ['Label fee', money(parts.labelFee)],
      ['Shipping credit', money(parts.shippingCredit)],
      s ? null : ['Quoted refund', h('strong', {}, money(q.total))],
      ret.refundExpectedBy && !refund ? ['Expected by', date(ret.refundExpectedBy)] : null,
      s ? ['Refund after inspection', h('strong', {}, money(s.amount))] : null,
      refund && !REFUND_FAILED.has(refund.status)
        ? ['Refunded', h('strong', { class: 'ok' }, `${money(refund.amount)} on ${date(refund.issuedAt)}`)] : null,
      refund ? ['Refund status', REFUND_STATUS[refund.status] || refund.status] : null,
      refund?.failureReason ? ['Why it failed', refund.failureReason] : null,
    ]),
    h('details', {}, h('summary', {}, 'How this was worked out'),
      clauseList((ret.refund || ret.settlement || q).appliedClauses)));
}

export function screeningCard(ret) {
  if (!ret.screening?.flags.length) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'flags-title' },
    h('h2', { id: 'flags-title' }, 'Screening flags'), flagList(ret.screening.flags));
}

export function flagList(flags) {
  return h('ul', { class: 'lines' }, flags.map((flag) => h('li', {}, h('div', {}, flag.message), clauseList([flag.clause]))));
}

export function timelineCard(ret) {
  return h('section', { class: 'card', 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'What happened'), timeline(ret.timeline),
    ret.receivedAt ? h('p', { class: 'small muted' }, `Received ${dateTime(ret.receivedAt)}; refund due by ${dateTime(ret.refundDueAt)} (REFUND-7D).`) : null);
}

/** A table of returns linking to each one (search results, lookups). */
export function returnsTable(returns, linkBase = '#/return/') {
  return h('table', { class: 'stack' },
    h('thead', {}, h('tr', {}, ['RMA', 'Status', 'Order', 'Customer', 'Tracking', 'Quoted'].map((t) => h('th', {}, t)))),
    h('tbody', {}, returns.map((r) => h('tr', {},
      h('td', {}, h('a', { href: linkBase + encodeURIComponent(r.id) }, r.id)),
      h('td', { 'data-label': 'Status' }, badge(r.status)),
      h('td', { 'data-label': 'Order' }, r.order.id),
      h('td', { 'data-label': 'Customer' }, r.order.email),
      h('td', { 'data-label': 'Tracking' }, r.trackingNumber || '–'),
      h('td', { 'data-label': 'Quoted' }, money(r.quote.total))))));
}
