// The emails about a return, as the portal and the console list them: oldest first, each with who wrote,
// when, its subject and its text. Text only: an email's HTML is never rendered in a page.
import { t } from './i18n.js';
import { h, dateTime } from './ui.js';

/** A message's subject and new text (quoted history already removed by the service); the service's own
 *  emails (confirmation, label, refund …) are long and also in the customer's mailbox: folded. */
export function messageBody(message) {
  if (message.direction === 'OUTBOUND' && message.kind !== 'AGENT_REPLY') {
    const folded = h('details', {}, h('summary', {}, message.subject));
    folded.addEventListener('toggle', () => { // its text joins the page once opened (no hidden duplicate)
      if (folded.open && folded.children.length === 1) folded.append(h('div', { class: 'message-text' }, message.text));
    });
    return folded;
  }
  return [
    h('p', { class: 'subject' }, h('strong', {}, message.subject || t('(no subject)'))),
    h('div', { class: 'message-text' }, message.text),
  ];
}

/**
 * The conversation, oldest first: `header(item)` says who wrote and how (each app in its own words),
 * `extra(item)` adds what follows the text (attachments); an item that is no email (an agent's internal
 * note) gives `body(item)` instead of a subject.
 */
export function conversationList(items, { label, header, extra = () => null, body = messageBody }) {
  return h('ol', { class: 'conversation', 'aria-label': label }, items.map((item) => h('li', { class: `message ${item.direction?.toLowerCase() || 'note'}` },
    h('p', { class: 'small muted' }, header(item), ' · ', h('time', { datetime: item.at }, dateTime(item.at))),
    body(item), extra(item))));
}
