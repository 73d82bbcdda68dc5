// Portal: the customer's emails with customer service about one return (what they wrote, what they were
// told; agents' internal notes never reach this page) and, while the return is under review, what the
// customer does now and what happens next.
import { MY_CONVERSATION } from '/shared/operations.js';
import { conversationList } from '/shared/conversation.js';
import { h, date, dateTime } from '/shared/ui.js';

/** Customer service's address, as a link that starts an email naming the RMA (an email from the order's
 *  address naming it joins the return's conversation). */
const writeTo = (support, ret) => h('a', { href: `mailto:${support}?subject=${encodeURIComponent(`Return ${ret.id}`)}` }, support);

function reviewCard(ret, review, support) {
  const replied = review?.waitingFor === 'AGENT';
  return h('section', { class: 'card attention', 'aria-labelledby': 'review-title' },
    h('h2', { id: 'review-title' }, replied ? 'We have your reply' : 'Please answer our email'),
    replied
      ? h('p', {}, `Thank you: we received your reply of ${dateTime(review.customerRepliedAt || review.since)}. `
        + 'Customer service is reading it. If they need more, they will email you again.')
      : h('p', {}, 'Before we approve this return we need to confirm a few details with you: we sent you an email about it. '
        + 'Please reply to that email, or write to ', writeTo(support, ret), ` and mention your return number ${ret.id}.`),
    h('p', {}, 'Please do not ship anything yet. Customer service decides ',
      review ? h('strong', {}, `by ${date(review.deadline)}`) : 'within a few business days',
      ' and emails you either way: approved, with how to send the package, or declined, with the reason.'));
}

function header(message) {
  if (message.direction === 'INBOUND') return h('strong', {}, 'You wrote');
  return h('strong', {}, message.kind === 'AGENT_REPLY' ? 'Customer service wrote' : 'We emailed you');
}

function attachments(message) {
  if (!message.attachments.length) return null;
  return h('p', { class: 'small muted' }, 'Attached: ', message.attachments.map((a) => a.filename).join(', '));
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
      h('h2', { id: 'conversation-title' }, 'Your emails with customer service'),
      ret.messages.length ? conversationList(ret.messages, { label: 'Emails about this return, oldest first', header, extra: attachments })
        : h('p', { class: 'muted' }, 'No email about this return yet.'),
      h('p', { class: 'small muted' }, 'To write to us about this return, reply to any of our emails about it, or write to ',
        writeTo(support, ret), '.')),
  };
}
