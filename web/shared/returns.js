// One return, as every app shows it: where it stands, where it goes, what it refunds, what happened.
// `audience` is who reads it: 'customer' (the portal: "we", "you"), 'agent' (the console: what customer
// service does) or 'warehouse'.
import { N_, speaking, t, tx } from './i18n.js';
import {
  h, badge, money, date, dateTime, facts, notice, timeline, staffActor, address, clauseList, REASONS, CONDITIONS, DEFECT_OUTCOMES,
} from './ui.js';

// The customer's words are marked for the catalogues and translated where shown; the staff's stay English.
const NEXT_STEP = {
  customer: {
    REQUESTED: N_('We are checking the request.'),
    UNDER_REVIEW: N_('Customer service is reviewing this return; we will email you.'),
    APPROVED: N_('Approved: send the package to the return address below.'),
    IN_TRANSIT: N_('The package is on its way to our warehouse.'),
    RECEIVED: N_('Our warehouse received the package and will inspect it.'),
    INSPECTED: N_('Inspected: the refund goes to the original payment method.'),
    REFUNDED: N_('Refunded to the original payment method.'),
    DECLINED: N_('This return was declined.'),
    CANCELED: N_('This return was canceled: nothing will be refunded for it.'),
    EXPIRED: N_('This approval expired: the package was not shipped in time.'),
  },
  agent: {
    REQUESTED: 'Screening runs on it now.',
    UNDER_REVIEW: 'Waiting for your decision: approve or decline it below (REVIEW-SLA).',
    APPROVED: 'Approved: the customer ships it (prepaid label or their own carrier).',
    IN_TRANSIT: 'The package is on its way to the warehouse.',
    RECEIVED: 'The warehouse received the package and inspects it next.',
    INSPECTED: 'Inspected: issue the refund, or the deadline workflow issues it when due (REFUND-7D).',
    REFUNDED: 'Refunded to the customer’s original payment method.',
    DECLINED: 'Declined: the customer was emailed the reason.',
    CANCELED: 'Canceled: nothing is refunded; an unused label is voided.',
    EXPIRED: 'Expired: not shipped in time (EXPIRE-APPROVED).',
  },
  warehouse: {
    APPROVED: 'Expected: receive the package when it arrives.',
    IN_TRANSIT: 'On its way: receive the package when it arrives.',
    RECEIVED: 'Received: inspect every item below.',
    INSPECTED: 'Inspected: customer service refunds it.',
    REFUNDED: 'Inspected and refunded.',
  },
};

export const CANCELABLE = new Set(['REQUESTED', 'UNDER_REVIEW', 'APPROVED']);

/** An RMA as typed: RMA- optional, any case, spaces ignored, and the letters its alphabet never uses
 *  read as the digits they look like (Crockford base32, service/dependencies.py: O is 0, I and L are 1). */
export function rmaOf(term) {
  const bare = term.toUpperCase().replace(/\s+/g, '').replace(/^RMA-?/, '');
  return `RMA-${bare.replace(/O/g, '0').replace(/[IL]/g, '1')}`;
}
const ENDED = new Set(['CANCELED', 'DECLINED', 'EXPIRED']);

export function orderLine(ret, orderLineId) {
  return ret.order.lines.find((line) => line.id === orderLineId);
}

export function lineTitle(ret, orderLineId) {
  return orderLine(ret, orderLineId)?.title || orderLineId;
}

// A return settled at nothing ends REFUNDED with no money paid: its next step says so.
const NOTHING_PAID = {
  customer: N_('Inspected: nothing is refunded for it (see the items below).'),
  agent: 'Inspected and closed: nothing was owed, so nothing was paid.',
  warehouse: 'Inspected: nothing is refunded for it.',
};

export function returnHeading(ret, audience = 'customer') {
  const zeroRefund = ret.status === 'REFUNDED' && isZero(ret.refund?.amount);
  const next = zeroRefund ? NOTHING_PAID[audience] : NEXT_STEP[audience][ret.status];
  return [
    h('h1', {}, t('Return {rma}', { rma: ret.id }), ' ', badge(ret.status)),
    h('p', { class: 'muted' }, speaking().sentences([t('Order {order} · requested {date}.', { order: ret.order.id, date: date(ret.createdAt) }),
      next && audience === 'customer' ? t(next) : next])),
  ];
}

/** The carrier delivered the package to the warehouse (a delivery scan), before it was received. */
export const deliveredToWarehouse = (ret) => ret.status === 'IN_TRANSIT' && ret.tracking?.deliveredAt;

/** Where and how to send the package (approved returns); once it is on its way, where it is. */
export function shippingCard(ret, audience = 'customer') {
  if (!['APPROVED', 'IN_TRANSIT'].includes(ret.status)) return null;
  const you = audience === 'customer';
  if (deliveredToWarehouse(ret)) {
    const delivered = date(ret.tracking.deliveredAt);
    return h('section', { class: 'card', 'aria-labelledby': 'ship-title' },
      h('h2', { id: 'ship-title' }, t('Package delivered')),
      h('p', {}, you
        ? t('The carrier delivered your package to our warehouse on {date}. The warehouse receives and inspects it next; we will email you.', { date: delivered })
        : `The carrier delivered the package to our warehouse on ${delivered}. The warehouse receives and inspects it next.`),
      facts([[t('Tracking number'), ret.trackingNumber || '–']]));
  }
  return h('section', { class: 'card', 'aria-labelledby': 'ship-title' },
    h('h2', { id: 'ship-title' }, ret.status === 'IN_TRANSIT' ? t('Package on its way') : t('Send the package')),
    ret.label && ret.status === 'APPROVED' ? h('p', {}, h('a', { class: 'button', href: ret.label.url, target: '_blank', rel: 'noopener' }, t('Download the prepaid label (PDF)')),
      ' ', h('span', { class: 'small muted' }, t('{carrier}, label fee {fee}', { carrier: ret.label.carrier, fee: money(ret.label.fee) }))) : null,
    ret.labelFailure && you ? notice(t('We could not create your prepaid label: the carrier would not issue one for your address. '
      + 'You can ship the package yourself with a traceable carrier (USPS, UPS, FedEx, …; you pay the postage) and enter the '
      + 'tracking number below, or wait: customer service will email you a label if they can get one.'), 'error') : null,
    facts([
      [t('Ship to'), address(ret.returnAddress)],
      [t('Tracking number'), ret.trackingNumber || t('not yet')],
      ret.shipBy ? [t('Ship by'), h('strong', {}, date(ret.shipBy))] : null,
    ]),
    h('p', { class: 'small muted' }, you ? t('Please do not send it to the address on your parcel: that is not our return address.')
      : 'The customer must send it to this address, not the one on their parcel (that is not our return address).', ' ',
      h('small', { class: 'ref' }, '(ADDR-RETURN)')));
}

/** The customer's note on a line (e.g. what is wrong with a defective item), when there is one. */
export function lineNote(line, audience = 'agent') {
  if (!line.note) return null;
  const note = h('q', {}, line.note);
  return h('div', { class: 'small note' }, audience === 'customer' ? tx('Your note: {note}', { note }) : ['Customer’s note: ', note]);
}

/** What the warehouse saw: its note and photos (the customer gets photos of items not accepted only). */
function inspectionFindings(line, audience = 'agent') {
  const note = line.inspectionNote ? h('q', {}, line.inspectionNote) : null;
  return [
    note ? h('div', { class: 'small note' }, audience === 'customer' ? tx('Our warehouse noted: {note}', { note }) : ['Warehouse note: ', note]) : null,
    line.photos?.length ? h('ul', { class: 'photos', 'aria-label': t('Warehouse photos') }, line.photos.map((photo, index) => h('li', {},
      h('a', { href: photo.url, target: '_blank', rel: 'noopener' },
        h('img', { src: photo.url, alt: t('Warehouse photo {number} of this item', { number: index + 1 }), loading: 'lazy', width: '160', height: '120' }))))) : null,
  ];
}

/** The inspection of one line in words: condition, the defect outcome (a merchant claim), the verdict. */
function inspectionVerdict(line, merchantClaim) {
  return [
    CONDITIONS[line.condition] ? t(CONDITIONS[line.condition]) : '–',
    merchantClaim ? [' · ', t(DEFECT_OUTCOMES[String(line.defectConfirmed)])] : null,
    ' · ', line.accepted ? h('span', { class: 'ok' }, t('accepted')) : h('span', { class: 'bad' }, t('not accepted')),
  ];
}

const MERCHANT_REASONS = new Set(['DEFECTIVE', 'NOT_AS_DESCRIBED', 'WRONG_ITEM']);

export function itemsCard(ret, audience = 'customer') {
  const inspected = ret.lines.some((line) => line.condition);
  return h('section', { class: 'card', 'aria-labelledby': 'items-title' },
    h('h2', { id: 'items-title' }, t('Items')),
    h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, h('th', {}, t('Item')), h('th', { class: 'num' }, t('Qty')), h('th', {}, t('Reason')), inspected ? h('th', {}, t('Inspection')) : null)),
      h('tbody', {}, ret.lines.map((line) => h('tr', {},
        h('td', {}, lineTitle(ret, line.orderLineId), h('div', { class: 'small muted' }, t('SKU {sku}', { sku: orderLine(ret, line.orderLineId)?.sku || '–' }))),
        h('td', { class: 'num', 'data-label': t('Qty') }, line.quantity),
        h('td', { 'data-label': t('Reason') }, REASONS[line.reason] ? t(REASONS[line.reason]) : line.reason, lineNote(line, audience)),
        inspected ? h('td', { 'data-label': t('Inspection') }, inspectionVerdict(line, MERCHANT_REASONS.has(line.reason)),
          inspectionFindings(line, audience)) : null)))));
}

// How the payment provider reports a refund (Refund.status), in the customer's words.
const REFUND_STATUS = {
  PENDING: N_('On its way to the original payment method'),
  SUCCEEDED: N_('Paid to the original payment method'),
  REQUIRES_ACTION: N_('Waiting for the payment provider'),
  FAILED: N_('Failed: nothing was paid yet; customer service is on it'),
  CANCELED: N_('Canceled: nothing was paid yet; customer service is on it'),
};
export const REFUND_FAILED = new Set(['FAILED', 'CANCELED']);
const isZero = (amount) => Boolean(amount) && Number(amount.amount) === 0;

// An ended return refunds nothing: one sentence per ending (a status word cannot be slotted into a sentence).
const NOTHING_REFUNDED = {
  CANCELED: N_('Nothing is refunded for a canceled return. (It had been quoted at {amount}.)'),
  DECLINED: N_('Nothing is refunded for a declined return. (It had been quoted at {amount}.)'),
  EXPIRED: N_('Nothing is refunded for an expired return. (It had been quoted at {amount}.)'),
};

/** How each line's amount is made: (price + tax) × quantity = amount (REFUND-AMOUNT). */
function lineAmounts(ret, quoteLines) {
  return h('ul', { class: 'plain small' }, quoteLines.filter((line) => line.amount).map((line) => {
    const ordered = orderLine(ret, line.orderLineId);
    return h('li', {}, ordered ? t('{item}: ({price} + {tax} tax) × {quantity} = {amount}', {
      item: ordered.title, price: money(ordered.unitPrice), tax: money(ordered.unitTax), quantity: line.quantity, amount: money(line.amount),
    }) : `${line.orderLineId} × ${line.quantity} = ${money(line.amount)}`); // a line the order no longer lists: no words to say
  }));
}

export function moneyCard(ret, audience = 'customer') {
  const q = ret.quote;
  const s = ret.settlement;
  const refund = ret.refund;
  // After inspection the fees can differ from the quote (an unconfirmed defect loses FEE-US-QUALITY, a
  // refused item its price): the parts shown are the settlement's, so they add up to what is refunded.
  const parts = s || q;
  if (ENDED.has(ret.status)) {
    return h('section', { class: 'card', 'aria-labelledby': 'money-title' },
      h('h2', { id: 'money-title' }, t('Refund')),
      h('p', {}, t(NOTHING_REFUNDED[ret.status], { amount: money(q.total) })));
  }
  const expected = audience === 'customer' && !REFUND_FAILED.has(refund?.status) ? ret.refundExpectedBy : null;
  const nothing = isZero(refund?.amount); // nothing was owed, so nothing was paid: no "refunded" to report
  return h('section', { class: 'card', 'aria-labelledby': 'money-title' },
    h('h2', { id: 'money-title' }, t('Refund')),
    facts([
      s ? [t('Quoted refund'), money(q.total)] : null,
      [s ? t('Items accepted (price + tax)') : t('Items (price + tax)'), money(parts.itemsSubtotal)],
      [t('Return label fee'), `− ${money(parts.labelFee)}`],
      [t('Return shipping credit'), `+ ${money(parts.shippingCredit)}`],
      [t('Original shipping'), [t('not refunded'), ' ', h('small', { class: 'ref' }, '(REFUND-SHIPPING)')]],
      s ? null : [t('Quoted refund'), h('strong', {}, money(q.total))],
      s ? [t('Refund after inspection'), h('strong', {}, money(s.amount))] : null,
      refund && !nothing && !REFUND_FAILED.has(refund.status)
        ? [t('Refunded'), h('strong', { class: 'ok' }, t('{amount} on {date}', { amount: money(refund.amount), date: date(refund.issuedAt) }))] : null,
      refund && !nothing ? [t('Refund status'), REFUND_STATUS[refund.status] ? t(REFUND_STATUS[refund.status]) : refund.status] : null,
      nothing ? [t('Refunded'), t('Nothing: no money is owed for this return (closed {date})', { date: date(refund.issuedAt) })] : null,
      refund?.failureReason ? [t('Why it failed'), refund.failureReason] : null,
      expected ? [t('Expected in your account by'), h('strong', {}, date(expected))] : null,
    ]),
    h('details', {}, h('summary', {}, t('How this was worked out')),
      lineAmounts(ret, s ? q.lines.filter((line) => s.acceptedLineIds.includes(line.orderLineId)) : q.lines),
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

export function timelineCard(ret, audience = 'customer') {
  return h('section', { class: 'card', 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, t('What happened')), timeline(ret.timeline, audience === 'customer' ? undefined : staffActor),
    // staff see the deadline itself; a customer reads the one date promised to them (the refund card)
    ret.receivedAt && audience !== 'customer'
      ? h('p', { class: 'small muted' }, `Received ${dateTime(ret.receivedAt)}; refund due by ${dateTime(ret.refundDueAt)} (REFUND-7D).`) : null);
}

/** A table of returns linking to each one (search results, lookups). */
export function returnsTable(returns, linkBase = '#/return/') {
  return h('table', { class: 'stack' },
    h('thead', {}, h('tr', {}, ['RMA', 'Status', 'Order', 'Customer', 'Tracking', 'Quoted'].map((name) => h('th', {}, name)))),
    h('tbody', {}, returns.map((r) => h('tr', {},
      h('td', {}, h('a', { href: linkBase + encodeURIComponent(r.id) }, r.id)),
      h('td', { 'data-label': 'Status' }, badge(r.status)),
      h('td', { 'data-label': 'Order' }, r.order.id),
      h('td', { 'data-label': 'Customer' }, r.order.shippingAddress ? `${r.order.shippingAddress.name} · ${r.order.email}` : r.order.email),
      h('td', { 'data-label': 'Tracking' }, r.trackingNumber || '–'),
      h('td', { 'data-label': 'Quoted' }, money(r.quote.total))))));
}
