// Customer returns portal: my orders (what can be returned, until when, and why not), a return request
// with a live quote, and each return's own page.
import { startApp } from '/shared/app.js';
import { CANCEL_RETURN, MY_ORDERS, ORDER_TO_RETURN, RETURN, SUBMIT_TRACKING } from '/shared/operations.js';
import { orderLinesTable, requestSections } from '/shared/request.js';
import { returnConversation } from './conversation.js';
import {
  CANCELABLE, itemsCard, moneyCard, returnHeading, shippingCard, timelineCard,
} from '/shared/returns.js';
import { h, badge, busy, date, field, notice, showMore, userErrors } from '/shared/ui.js';

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
  const order = (await ctx.gql(ORDER_TO_RETURN, { id: orderId })).order;
  if (!order) return [h('h1', {}, 'Order not found'), notice(`There is no order ${orderId} under this email address.`, 'error')];
  return [h('h1', {}, `Return items of ${orderId}`),
    requestSections(ctx, order, { onRequested: (id) => ctx.go(`#/return/${encodeURIComponent(id)}`) }),
    h('p', {}, h('a', { href: '#/orders' }, 'Back to my orders'))];
}

function trackingForm(ctx, ret, message) {
  const carrier = h('input', { type: 'text', name: 'carrier', autocomplete: 'off' });
  const number = h('input', { type: 'text', name: 'trackingNumber', autocomplete: 'off' });
  const button = h('button', { type: 'submit' }, 'Send tracking number');
  const form = h('form', { class: 'card', 'aria-labelledby': 'tracking-title' }, h('h2', { id: 'tracking-title' }, 'Shipped it yourself?'),
    h('div', { class: 'row' }, field('Carrier', carrier, 'e.g. USPS, UPS, FedEx'), field('Tracking number', number)), button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(button, async () => {
      const answer = (await ctx.gql(SUBMIT_TRACKING, { id: ret.id, carrier: carrier.value.trim(), trackingNumber: number.value.trim() })).submitReturnTracking;
      if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors));
      else ctx.refresh();
    }).catch((error) => message.replaceChildren(notice(error.message, 'error')));
  });
  return form;
}

async function returnView(ctx, id) {
  const ret = (await ctx.gql(RETURN, { id })).return;
  if (!ret) return [h('h1', {}, 'Return not found'), notice(`There is no return ${id} under this email address.`, 'error')];
  const message = h('div');
  const cancel = h('button', { type: 'button', class: 'danger', onclick: () => busy(cancel, async () => {
    const answer = (await ctx.gql(CANCEL_RETURN, { id })).cancelReturn;
    if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors));
    else ctx.refresh();
  }).catch((error) => message.replaceChildren(notice(error.message, 'error'))) }, 'Cancel this return');
  const mail = await returnConversation(ctx, id);
  return [
    returnHeading(ret), message, mail.review,
    shippingCard(ret),
    ret.status === 'APPROVED' && (ret.method === 'SELF_SHIP' || ret.labelFailure) ? trackingForm(ctx, ret, message) : null,
    moneyCard(ret), itemsCard(ret), mail.conversation, timelineCard(ret),
    CANCELABLE.has(ret.status) ? h('p', {}, cancel) : null,
    h('p', {}, h('a', { href: '#/orders' }, 'Back to my orders')),
  ];
}

startApp({
  app: 'portal', role: 'customer', title: 'Returns', home: '#/orders',
  nav: [['#/orders', 'My orders']],
  routes: [[/^#\/orders$/, ordersView], [/^#\/order\/([^/]+)\/return$/, requestView], [/^#\/return\/([^/]+)$/, returnView]],
});
