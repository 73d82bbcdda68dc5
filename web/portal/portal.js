// Customer returns portal: my orders (what can be returned, until when, and why not), a return request
// with a live quote, and each return's own page.
import { startApp } from '/shared/app.js';
import { CANCEL_RETURN, MY_ORDERS, ORDER_TO_RETURN, RETURN, SUBMIT_TRACKING } from '/shared/operations.js';
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
    h('h2', { id: titleId }, `Order ${order.id}`),
    h('p', { class: 'muted' }, `Placed ${date(order.placedAt)}`),
    orderLinesTable(order),
    order.returnability.some((item) => item.eligible)
      ? h('p', {}, h('a', { class: 'button', href: `#/order/${encodeURIComponent(order.id)}/return` }, `Return items of ${order.id}`))
      : null,
    order.returns.length ? [h('h3', {}, 'Returns of this order'), h('ul', {}, order.returns.map((r) => h('li', {},
      h('a', { href: `#/return/${encodeURIComponent(r.id)}` }, r.id), ' ', badge(r.status), ' ', h('span', { class: 'muted small' }, date(r.createdAt)))))] : null);
}

async function ordersView({ gql }) {
  const page = (await gql(MY_ORDERS)).orders;
  const cards = h('div', {}, page.edges.map((edge) => orderCard(edge.node)));
  const more = showMore(page.pageInfo, async (after) => (await gql(MY_ORDERS, { after })).orders, (orders) => {
    const added = orders.map(orderCard);
    cards.append(...added);
    return added[0]?.querySelector('h2');
  }, 'orders');
  return [h('h1', {}, 'My orders'),
    page.edges.length ? [cards, more] : notice('There are no orders under this email address.')];
}

async function requestView(ctx, orderId) {
  const { order, returnPolicy } = await ctx.gql(ORDER_TO_RETURN, { id: orderId });
  if (!order) return [h('h1', {}, 'Order not found'), notice(`There is no order ${orderId} under this email address.`, 'error')];
  return [h('h1', {}, `Return items of ${orderId}`),
    requestSections(ctx, order, {
      labelCountries: returnPolicy.prepaidLabelCountries, onRequested: (id) => ctx.go(`#/return/${encodeURIComponent(id)}`),
    }),
    h('p', {}, h('a', { href: '#/orders' }, 'Back to my orders'))];
}

/** Shipping it yourself: the tracking number, and while the package is on its way a correction (a few times). */
function trackingForm(ctx, ret) {
  const correcting = ret.status === 'IN_TRANSIT';
  const carrier = h('input', { type: 'text', name: 'carrier', autocomplete: 'off', value: correcting ? ret.carrier || '' : '' });
  const number = h('input', { type: 'text', name: 'trackingNumber', autocomplete: 'off', value: correcting ? ret.trackingNumber || '' : '' });
  const inputs = { carrier, trackingNumber: number };
  const message = h('div');
  const button = h('button', { type: 'submit' }, correcting ? 'Save the corrected number' : 'Send tracking number');
  const form = h('form', { class: 'card', 'aria-labelledby': 'tracking-title', novalidate: true },
    h('h2', { id: 'tracking-title' }, correcting ? 'Correct the tracking number' : 'Shipped it yourself?'),
    correcting ? h('p', { class: 'small muted' }, `Typed it wrong? You can correct it up to ${TRACKING_CORRECTIONS} times; after that, customer service can.`) : null,
    h('div', { class: 'row' }, field('Carrier', carrier, 'e.g. USPS, UPS, FedEx'),
      field('Tracking number', number, 'As on your receipt: spaces are fine')), message, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    Object.values(inputs).forEach((input) => fieldError(input, ''));
    message.replaceChildren();
    if (!carrier.value.trim()) { fieldError(carrier, 'Enter the carrier you shipped with, e.g. USPS.'); carrier.focus(); return; }
    if (!number.value.trim()) { fieldError(number, 'Enter the tracking number from your receipt.'); number.focus(); return; }
    busy(button, async () => {
      const answer = (await ctx.gql(SUBMIT_TRACKING, { id: ret.id, carrier: carrier.value.trim(), trackingNumber: number.value.trim() })).submitReturnTracking;
      if (!answer.userErrors.length) { ctx.refresh(); return; }
      const about = (error) => inputs[error.field?.at(-1)];
      answer.userErrors.filter(about).forEach((error) => fieldError(about(error), error.message));
      const loose = answer.userErrors.filter((error) => !about(error));
      if (loose.length) message.replaceChildren(userErrors(loose));
      (answer.userErrors.map(about).find(Boolean) || button).focus();
    }).catch((error) => message.replaceChildren(notice(error.message, 'error')));
  });
  return form;
}

async function returnView(ctx, id) {
  const ret = (await ctx.gql(RETURN, { id })).return;
  if (!ret) return [h('h1', {}, 'Return not found'), notice(`There is no return ${id} under this email address.`, 'error')];
  const message = h('div');
  const cancel = confirmButton('Cancel this return', {
    question: `Cancel return ${ret.id}? Nothing will be refunded for it${ret.label ? ', and its prepaid label stops working' : ''}.`,
    yes: 'Yes, cancel the return', no: 'No, keep it',
    action: async () => {
      try {
        const answer = (await ctx.gql(CANCEL_RETURN, { id })).cancelReturn;
        if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors));
        else ctx.refresh();
      } catch (error) { message.replaceChildren(notice(error.message, 'error')); }
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
    h('p', {}, h('a', { href: '#/orders' }, 'Back to my orders')),
  ];
}

startApp({
  app: 'portal', role: 'customer', title: 'Returns', home: '#/orders',
  nav: [['#/orders', 'My orders']],
  routes: [[/^#\/orders$/, ordersView], [/^#\/order\/([^/]+)\/return$/, requestView], [/^#\/return\/([^/]+)$/, returnView]],
});
