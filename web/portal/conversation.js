// Portal: the customer's emails with customer service about one return (what they wrote, what they were
// told; agents' internal notes never reach this page) and, while the return is under review, what the
// customer does now and what happens next.
import { MY_CONVERSATION } from '/shared/operations.js';
import { conversationList } from '/shared/conversation.js';
import { speaking, t, tx } from '/shared/i18n.js';
import { h, date, dateTime } from '/shared/ui.js';

/** Customer service's address, as a link that starts an email naming the RMA (an email from the order's
 *  address naming it joins the return's conversation). */
const writeTo = (support, ret) => h('a', { href: `mailto:${support}?subject=${encodeURIComponent(t('Return {rma}', { rma: ret.id }))}` }, support);

function reviewCard(ret, review, support) {
  const replied = review?.waitingFor === 'AGENT';
  const decidedBy = review ? t('by {date}', { date: date(review.deadline) }) : null; // (a call of its own: extracted)
  return h('section', { class: 'card attention', 'aria-labelledby': 'review-title' },
    h('h2', { id: 'review-title' }, replied ? t('We have your reply') : t('Please answer our email')),
    replied
      ? h('p', {}, t('Thank you: we received your reply of {moment}. Customer service is reading it. If they need more, '
        + 'they will email you again.', { moment: dateTime(review.customerRepliedAt || review.since) }))
      : h('p', {}, tx('Before we approve this return we need to confirm a few details with you: we sent you an email about it. '
        + 'Please reply to that email, or write to {address} and mention your return number {rma}.', { address: writeTo(support, ret), rma: ret.id })),
    h('p', {}, review
      ? tx('Please do not ship anything yet. Customer service decides {by} and emails you either way: approved, with how to send '
        + 'the package, or declined, with the reason.', { by: h('strong', {}, decidedBy) })
      : t('Please do not ship anything yet. Customer service decides within a few business days and emails you either way: '
        + 'approved, with how to send the package, or declined, with the reason.')));
}

function header(message) {
  if (message.direction === 'INBOUND') return h('strong', {}, t('You wrote'));
  return h('strong', {}, message.kind === 'AGENT_REPLY' ? t('Customer service wrote') : t('We emailed you'));
}

function attachments(message) {
  if (!message.attachments.length) return null;
  return h('p', { class: 'small muted' }, t('Attached: {files}', { files: speaking().list(message.attachments.map((a) => a.filename)) }));
}

/** The review card (under review only) and the conversation card of a return's page. */
export async function returnConversation(ctx, id) {
  const data = await ctx.gql(MY_CONVERSATION, { id });
  const ret = data.return;
  if (!ret) return { review: null, conversation: null };
  const support = data.returnPolicy.contactEmail;
  return {
    review: ret.status === 'UNDER_REVIEW' ? reviewCard(ret, ret.review, support) : null,
    conversation: h('section', { class: 'card', 'aria-labelledby': 'conversation-title' },
      h('h2', { id: 'conversation-title' }, t('Your emails with customer service')),
      ret.messages.length ? conversationList(ret.messages, { label: t('Emails about this return, oldest first'), header, extra: attachments })
        : h('p', { class: 'muted' }, t('No email about this return yet.')),
      h('p', { class: 'small muted' }, tx('To write to us about this return, reply to any of our emails about it, or write to {address}.',
        { address: writeTo(support, ret) }))),
  };
}
