// Customer returns portal: my orders (what can be returned, until when, and why not), a return request
// with a live quote, and each return's own page; the return policy in English. In the customer's language
// (web/shared/i18n.js): their choice, else their browser's.
import { startApp } from '/shared/app.js';
import { BINDING_NOTE, N_, speaking, t, tn } from '/shared/i18n.js';
import { CANCEL_RETURN, MY_ORDERS, ORDER_TO_RETURN, RETURN, RETURN_POLICY, SUBMIT_TRACKING } from '/shared/operations.js';
import { failureText, refusalText } from '/shared/refusals.js';
import { orderLinesTable, requestSections } from '/shared/request.js';
import { returnConversation } from './conversation.js';
import {
  CANCELABLE, deliveredToWarehouse, itemsCard, moneyCard, returnHeading, shippingCard, timelineCard,
} from '/shared/returns.js';
import { h, badge, busy, confirmButton, date, field, fieldError, notice, showMore, userErrors } from '/shared/ui.js';

const TRACKING_CORRECTIONS = 3; // a customer may correct a submitted number this often (service/requests.py)

function orderCard(order) {
  const titleId = `order-${order.id}`;
  return h('section', { class: 'card', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, t('Order {order}', { order: order.id })),
    h('p', { class: 'muted' }, t('Placed {date}', { date: date(order.placedAt) })),
    orderLinesTable(order),
    order.returnability.some((item) => item.eligible)
      ? h('p', {}, h('a', { class: 'button', href: `#/order/${encodeURIComponent(order.id)}/return` }, t('Return items of {order}', { order: order.id })))
      : null,
    order.returns.length ? [h('h3', {}, t('Returns of this order')), h('ul', {}, order.returns.map((r) => h('li', {},
      h('a', { href: `#/return/${encodeURIComponent(r.id)}` }, r.id), ' ', badge(r.status), ' ', h('span', { class: 'muted small' }, date(r.createdAt)))))] : null);
}

async function ordersView({ gql }) {
  const page = (await gql(MY_ORDERS)).orders;
  const cards = h('div', {}, page.edges.map((edge) => orderCard(edge.node)));
  const more = showMore(page.pageInfo, async (after) => (await gql(MY_ORDERS, { after })).orders, (orders) => {
    const added = orders.map(orderCard);
    cards.append(...added);
    return added[0]?.querySelector('h2');
  }, {
    more: t('Show more orders'),
    shown: (count, last) => (last
      ? tn('{count} more order shown; that is all.', '{count} more orders shown; that is all.', count)
      : tn('{count} more order shown.', '{count} more orders shown.', count)),
  });
  return [h('h1', {}, t('My orders')),
    page.edges.length ? [cards, more] : notice(t('There are no orders under this email address.'))];
}

async function requestView(ctx, orderId) {
  const { order, returnPolicy } = await ctx.gql(ORDER_TO_RETURN, { id: orderId });
  if (!order) return [h('h1', {}, t('Order not found')), notice(t('There is no order {order} under this email address.', { order: orderId }), 'error')];
  return [h('h1', {}, t('Return items of {order}', { order: orderId })),
    requestSections(ctx, order, {
      labelCountries: returnPolicy.prepaidLabelCountries, onRequested: (id) => ctx.go(`#/return/${encodeURIComponent(id)}`),
    }),
    backToOrders()];
}

/** Shipping it yourself: the tracking number, and while the package is on its way a correction (a few times). */
function trackingForm(ctx, ret) {
  const correcting = ret.status === 'IN_TRANSIT';
  // maxlength: the service's limits (service/limits.py MAX_TEXT, MAX_TRACKING_NUMBER with a customer's spaces)
  const carrier = h('input', { type: 'text', name: 'carrier', autocomplete: 'off', maxlength: '500', value: correcting ? ret.carrier || '' : '' });
  const number = h('input', { type: 'text', name: 'trackingNumber', autocomplete: 'off', maxlength: '80', value: correcting ? ret.trackingNumber || '' : '' });
  const inputs = { carrier, trackingNumber: number };
  const message = h('div');
  const button = h('button', { type: 'submit' }, correcting ? t('Save the corrected number') : t('Send tracking number'));
  const form = h('form', { class: 'card', 'aria-labelledby': 'tracking-title', novalidate: true },
    h('h2', { id: 'tracking-title' }, correcting ? t('Correct the tracking number') : t('Shipped it yourself?')),
    correcting ? h('p', { class: 'small muted' }, tn('Typed it wrong? You can correct it {count} time; after that, customer service can.',
      'Typed it wrong? You can correct it up to {count} times; after that, customer service can.', TRACKING_CORRECTIONS)) : null,
    h('div', { class: 'row' }, field(t('Carrier'), carrier, t('e.g. USPS, UPS, FedEx')),
      field(t('Tracking number'), number, t('As on your receipt: spaces are fine'))), message, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    Object.values(inputs).forEach((input) => fieldError(input, ''));
    message.replaceChildren();
    if (!carrier.value.trim()) { fieldError(carrier, t('Enter the carrier you shipped with, e.g. USPS.')); carrier.focus(); return; }
    if (!number.value.trim()) { fieldError(number, t('Enter the tracking number from your receipt.')); number.focus(); return; }
    busy(button, async () => {
      const answer = (await ctx.gql(SUBMIT_TRACKING, { id: ret.id, carrier: carrier.value.trim(), trackingNumber: number.value.trim() })).submitReturnTracking;
      if (!answer.userErrors.length) { ctx.refresh(); return; }
      const about = (error) => inputs[error.field?.at(-1)];
      const word = (error) => refusalText(error, 'tracking');
      answer.userErrors.filter(about).forEach((error) => fieldError(about(error), word(error)));
      const loose = answer.userErrors.filter((error) => !about(error));
      if (loose.length) message.replaceChildren(userErrors(loose, word));
      (answer.userErrors.map(about).find(Boolean) || button).focus();
    }).catch((error) => message.replaceChildren(notice(failureText(error), 'error')));
  });
  return form;
}

async function returnView(ctx, id) {
  const ret = (await ctx.gql(RETURN, { id })).return;
  if (!ret) return [h('h1', {}, t('Return not found')), notice(t('There is no return {rma} under this email address.', { rma: id }), 'error')];
  const message = h('div');
  const cancel = confirmButton(t('Cancel this return'), {
    question: ret.label ? t('Cancel return {rma}? Nothing will be refunded for it, and its prepaid label stops working.', { rma: ret.id })
      : t('Cancel return {rma}? Nothing will be refunded for it.', { rma: ret.id }),
    yes: t('Yes, cancel the return'), no: t('No, keep it'),
    action: async () => {
      try {
        const answer = (await ctx.gql(CANCEL_RETURN, { id })).cancelReturn;
        if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors, (error) => refusalText(error, 'cancel')));
        else ctx.refresh();
      } catch (error) { message.replaceChildren(notice(failureText(error), 'error')); }
    },
  });
  const shipsOnTheirOwn = ret.method === 'SELF_SHIP' || ret.labelFailure;
  const tracking = shipsOnTheirOwn && (ret.status === 'APPROVED' || (ret.status === 'IN_TRANSIT' && !deliveredToWarehouse(ret)));
  const mail = await returnConversation(ctx, id);
  return [
    returnHeading(ret, 'customer'), message, mail.review,
    shippingCard(ret, 'customer'),
    tracking ? trackingForm(ctx, ret) : null,
    moneyCard(ret, 'customer'), itemsCard(ret, 'customer'), mail.conversation, timelineCard(ret, 'customer'),
    CANCELABLE.has(ret.status) ? cancel : null,
    backToOrders(),
  ];
}

/** The return policy as the merchant wrote it: in English, the binding text that the pages explain. */
async function policyView(ctx) {
  const policy = (await ctx.gql(RETURN_POLICY)).returnPolicy;
  return [h('h1', {}, t('Return policy')),
    h('p', {}, t('Our return policy in English, the binding version (version {version}). The pages explain each clause in your language.',
      { version: policy.version })),
    h('ol', { class: 'policy', lang: 'en' }, policy.clauses.map((c) => h('li', {}, c.text, ' ', h('small', { class: 'ref' }, `(${c.id})`)))),
    backToOrders()];
}

const backToOrders = () => h('p', {}, h('a', { href: '#/orders' }, t('Back to my orders')));

/** The pages explain the policy's clauses in the customer's language: said once on a page that shows any (or
 *  will: the request form's quote), with a link to the English text. */
const explained = (view, { always = false } = {}) => async (...args) => {
  const nodes = [await view(...args)].flat(Infinity).filter(Boolean);
  const clauses = always || nodes.some((node) => node.matches?.('.clause') || node.querySelector?.('.clause'));
  return speaking().language === 'en' || !clauses ? nodes : [...nodes, h('p', { class: 'small muted binding' }, t(BINDING_NOTE), ' ',
    h('a', { href: '#/policy', hreflang: 'en' }, t('Read the return policy in English')))];
};

startApp({
  app: 'portal', role: 'customer', title: N_('Returns'), name: N_('Allegra K · Returns'), home: '#/orders', languages: true,
  nav: [['#/orders', N_('My orders')], ['#/policy', N_('Return policy')]],
  routes: [[/^#\/orders$/, explained(ordersView)], [/^#\/order\/([^/]+)\/return$/, explained(requestView, { always: true })],
    [/^#\/return\/([^/]+)$/, explained(returnView)], [/^#\/policy$/, policyView]],
});
