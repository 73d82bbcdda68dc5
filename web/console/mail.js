// Console, customer service by email: each return's conversation (both directions, oldest first, a reply
// and internal notes), the inbox of mail that joined no return, and who a flagged return waits for.
import {
  ADD_INTERNAL_NOTE, ATTACH_MESSAGE, INBOX, MARK_MESSAGE_HANDLED, RETURN_CONVERSATION, SEND_MESSAGE, SENDER,
} from '/shared/operations.js';
import { conversationList, messageBody } from '/shared/conversation.js';
import { h, badge, busy, date, dateTime, field, notice, select, showMore, userErrors } from '/shared/ui.js';
import { customerHref, startReturnHref } from './links.js';

/** "2 days 3 hours", "4 hours 10 minutes", "12 minutes": a time span as agents say it. */
function span(ms) {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60000));
  const [days, hours, mins] = [Math.floor(minutes / 1440), Math.floor(minutes / 60) % 24, minutes % 60];
  const unit = (n, word) => (n ? `${n} ${word}${n === 1 ? '' : 's'}` : '');
  const parts = days ? [unit(days, 'day'), unit(hours, 'hour')] : hours ? [unit(hours, 'hour'), unit(mins, 'minute')] : [unit(mins, 'minute')];
  return parts.filter(Boolean).join(' ');
}

/** A flagged return's wait: for the customer (asked by email) or for us (they replied), and REVIEW-SLA's deadline. */
export function reviewWait(review, now = Date.now()) {
  if (!review) return null;
  const waited = span(now - Date.parse(review.since));
  const left = Date.parse(review.deadline) - now;
  return h('div', { class: `review-wait ${review.waitingFor === 'AGENT' ? 'your-turn' : ''}` },
    review.waitingFor === 'AGENT'
      ? h('p', {}, h('strong', {}, `Customer replied at ${dateTime(review.customerRepliedAt || review.since)}`),
        `: waiting for us for ${waited}. Read the reply and decide.`)
      : h('p', {}, h('strong', {}, `Waiting for the customer since ${dateTime(review.since)}`),
        ` (${waited}): they were asked by email${review.customerRepliedAt ? `; their last reply was at ${dateTime(review.customerRepliedAt)}` : ''}.`),
    h('p', { class: left < 0 ? 'bad' : '' }, `REVIEW-SLA deadline ${dateTime(review.deadline)}: `,
      h('strong', {}, left < 0 ? `overdue by ${span(-left)}` : `${span(left)} left`)));
}

const KINDS = { AGENT_REPLY: 'reply by customer service' }; // any other kind: the service's own email

/** Who wrote a message and whether the sender is proven, in plain words for agents. */
function staffHeader(message) {
  if (message.direction === 'OUTBOUND') {
    const who = message.kind === 'AGENT_REPLY' ? (message.sentBy || 'customer service').replace(/^agent:/, '') : 'the service';
    return [h('strong', {}, `To ${message.to.join(', ')}`), ` from ${who} (${KINDS[message.kind] || 'automatic email'})`];
  }
  return [h('strong', {}, `From ${message.from}`), ' ',
    message.authenticated ? h('span', { class: 'badge ok' }, 'verified sender')
      : h('span', { class: 'badge warn' }, 'not verified: the sender may not be who the address says')];
}

function attachments(message) {
  if (!message.attachments.length) return null;
  if (message.attachmentsDropped) return h('p', { class: 'small bad' }, `Attachments not kept (${message.attachmentsDropped}): `, message.attachments.map((a) => a.filename).join(', '));
  return h('ul', { class: 'attachments', 'aria-label': 'Attachments' }, message.attachments.map((a) => h('li', {},
    a.url ? h('a', { href: a.url, target: '_blank', rel: 'noopener' }, a.filename) : a.filename,
    h('span', { class: 'small muted' }, ` ${a.contentType}, ${Math.max(1, Math.round(a.size / 1024))} kB${a.url ? '' : ' (kept, not viewable in the browser)'}`))));
}

function unreadable(message) {
  return message.readable ? null : notice('Unreadable: the service could not parse this email. It is kept exactly as it arrived (see below where).', 'error');
}

/** The text box of a form that sends once per click: `send(text)` answers a payload with userErrors. */
function sendForm({ label, hint, button, send, done, className = '' }) {
  const text = h('textarea', { name: 'text', rows: '4', maxlength: '5000' });
  const submit = h('button', { type: 'submit' }, button);
  const message = h('div', { role: 'status' });
  const form = h('form', { class: className }, field(label, text, hint), submit, message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      if (!text.value.trim()) { message.replaceChildren(notice('Write something first.', 'error')); text.focus(); return; }
      const answer = await send(text.value.trim());
      if (answer.userErrors.length) { message.replaceChildren(userErrors(answer.userErrors)); return; }
      text.value = '';
      await done(answer);
    }).catch((error) => message.replaceChildren(notice(error.message, 'error')));
  });
  return { form, text, message };
}

/** The return's conversation with the customer, its internal notes among it, a reply and a note box. */
export async function conversationCard(ctx, returnId) {
  const card = h('section', { class: 'card', 'aria-labelledby': 'conversation-title' });
  const load = async () => (await ctx.gql(RETURN_CONVERSATION, { id: returnId })).return;
  // One key per reply: a double click (or a retry after a network error) sends the same key, one email.
  let replyKey = crypto.randomUUID();
  const reply = sendForm({
    label: 'Reply to the customer', button: 'Send the reply',
    hint: 'Emailed from the support address, in the customer’s thread; it joins this conversation.',
    send: async (text) => (await ctx.gql(SEND_MESSAGE, { returnId, text, idempotencyKey: replyKey })).sendMessage,
    done: async () => { replyKey = crypto.randomUUID(); render(await load(), 'Reply sent.'); },
  });
  reply.text.addEventListener('input', () => { replyKey = crypto.randomUUID(); });
  const note = sendForm({
    label: 'Internal note (the customer will not see it)', button: 'Add the internal note', className: 'internal',
    hint: 'For customer service only: never emailed, never shown in the portal.',
    send: async (text) => (await ctx.gql(ADD_INTERNAL_NOTE, { returnId, text })).addInternalNote,
    done: async () => render(await load(), 'Internal note added.'),
  });
  function render(ret, done) {
    const notes = ret.timeline.filter((event) => event.internal).map((event) => ({ ...event, internalNote: true }));
    const items = [...ret.messages, ...notes].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const status = done ? notice(done, 'success') : null;
    card.replaceChildren(...[
      h('h2', { id: 'conversation-title' }, 'Conversation with the customer'),
      ret.status === 'UNDER_REVIEW' ? reviewWait(ret.review) : null,
      items.length ? conversationList(items, {
        label: 'Emails and internal notes, oldest first',
        header: (item) => (item.internalNote ? [h('strong', {}, 'Internal note'), ` by ${item.actor.replace(/^agent:/, '')} (the customer does not see it)`] : staffHeader(item)),
        body: (item) => (item.internalNote ? h('div', { class: 'message-text' }, item.note) : [unreadable(item), messageBody(item)]),
        extra: (item) => (item.internalNote ? null : attachments(item)),
      }) : h('p', { class: 'muted' }, 'No email about this return yet.'),
      reply.form, note.form, status].filter(Boolean)); // replaceChildren would write a null as "null"
    if (status) { status.tabIndex = -1; status.focus(); }
  }
  render(await load());
  return card;
}

// -- the inbox ----------------------------------------------------------------------------------

/** What an agent can do with an unmatched email: attach it to one of the sender's returns, start a return
 *  from it (the sender's orders), mark it handled. The sender's returns and orders load when opened. */
function inboxActions(ctx, message, { onDone, customerLink }) {
  const status = h('div', { role: 'status' });
  const handled = h('button', { type: 'button', class: 'secondary' }, message.handled ? 'Mark as not handled' : 'Mark handled');
  handled.addEventListener('click', () => busy(handled, async () => {
    const answer = (await ctx.gql(MARK_MESSAGE_HANDLED, { messageId: message.id, handled: !message.handled })).markMessageHandled;
    if (answer.userErrors.length) status.replaceChildren(userErrors(answer.userErrors));
    else onDone(`${message.handled ? 'Back in the inbox' : 'Marked handled'}: “${message.subject || '(no subject)'}” from ${message.from}.`);
  }).catch((error) => status.replaceChildren(notice(error.message, 'error'))));
  const senders = h('div', {}, h('p', { class: 'muted small' }, 'Loading the sender’s returns and orders…'));
  const more = h('details', {}, h('summary', {}, 'Attach to a return, or start one'), senders);
  more.addEventListener('toggle', () => {
    if (more.open && !more.dataset.loaded) {
      more.dataset.loaded = 'true';
      senderChoices(ctx, message, onDone).then((nodes) => senders.replaceChildren(...nodes))
        .catch((error) => senders.replaceChildren(notice(error.message, 'error')));
    }
  });
  return h('div', { class: 'actions' },
    h('div', { class: 'row' },
      customerLink ? h('a', { href: customerHref(message.from, message.id) }, `Open ${message.from}’s customer page`) : null,
      message.returnId ? h('a', { href: `#/return/${encodeURIComponent(message.returnId)}` }, `On return ${message.returnId}`) : null,
      handled),
    message.returnId ? null : more, status);
}

async function senderChoices(ctx, message, onDone) {
  const customer = (await ctx.gql(SENDER, { email: message.from })).customer;
  const returns = customer?.returns.edges.map((edge) => edge.node) || [];
  const orders = customer?.orders.edges.map((edge) => edge.node) || [];
  if (!returns.length && !orders.length) return [notice(`${message.from} has no orders or returns: nothing to attach this email to.`)];
  const status = h('div', { role: 'status' });
  const choice = select(Object.fromEntries(returns.map((r) => [r.id, `${r.id} · order ${r.order.id} · ${badge(r.status).textContent} · ${date(r.createdAt)}`])), returns[0]?.id);
  const attach = h('button', { type: 'button' }, 'Attach');
  attach.addEventListener('click', () => busy(attach, async () => {
    const answer = (await ctx.gql(ATTACH_MESSAGE, { messageId: message.id, returnId: choice.value })).attachMessage;
    if (answer.userErrors.length) status.replaceChildren(userErrors(answer.userErrors));
    else onDone(`“${message.subject || '(no subject)'}” from ${message.from} is now on return ${choice.value}.`);
  }).catch((error) => status.replaceChildren(notice(error.message, 'error'))));
  return [
    returns.length ? h('div', { class: 'row' }, h('div', { class: 'grow' }, field('One of their returns', choice)), attach)
      : h('p', { class: 'muted small' }, 'They have no returns to attach it to.'),
    orders.length ? h('ul', { 'aria-label': 'Start a return from this email' }, orders.map((order) => h('li', {},
      h('a', { href: startReturnHref(order.id, message.id) }, `Start a return of ${order.id}`),
      h('span', { class: 'small muted' }, ` placed ${date(order.placedAt)}`)))) : null,
    status,
  ];
}

/** One email of the inbox (or of a customer's mail): who, when, proven or not, readable or not, text, files;
 *  `options`: its heading's level, a link to the sender's customer page, what follows an action (onDone). */
export function inboxCard(ctx, message, options) {
  const titleId = `message-${message.id}`;
  return h('section', { class: `card message ${message.handled ? 'handled' : ''}`, 'aria-labelledby': titleId },
    h(options.heading, { id: titleId }, message.readable ? message.subject || '(no subject)' : `Unreadable email from ${message.from}`),
    h('p', { class: 'small muted' }, staffHeader(message), ' · ', dateTime(message.at),
      message.handled ? [' · ', h('span', { class: 'badge' }, 'handled')] : null),
    unreadable(message), h('div', { class: 'message-text' }, message.text), attachments(message),
    inboxActions(ctx, message, options));
}

/** `#/inbox[/all][/<done>]`: mail that joined no return's conversation, newest first, a page at a time. */
export async function inboxView(ctx, scope, done) {
  const all = scope === 'all';
  const list = async (after) => (await ctx.gql(INBOX, { after, includeHandled: all })).inbox;
  const page = await list(null);
  const options = { heading: 'h2', customerLink: true, onDone: (text) => ctx.go(`#/inbox/${all ? 'all' : 'new'}/${encodeURIComponent(text)}`) };
  const cards = h('div', {}, page.edges.map((edge) => inboxCard(ctx, edge.node, options)));
  const more = showMore(page.pageInfo, list, (messages) => {
    const added = messages.map((message) => inboxCard(ctx, message, options));
    cards.append(...added);
    return added[0]?.querySelector('h2');
  }, 'emails');
  return [
    h('h1', {}, 'Inbox'),
    h('p', { class: 'muted' }, 'Email to customer service that joined no return: a new request, a reply from another address, '
      + 'a message naming no RMA of its sender. Newest first.'),
    h('p', {}, all ? h('a', { href: '#/inbox' }, 'Show only the emails not handled yet') : h('a', { href: '#/inbox/all' }, 'Show the handled emails too')),
    done ? notice(done, 'success') : null,
    page.edges.length ? [cards, more] : notice(all ? 'No email.' : 'Nothing to handle: every email is on a return or handled.'),
  ];
}
