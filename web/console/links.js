// Where the console's customer-service pages live (hash routes), for links from any page.
import { h } from '/shared/ui.js';

const from = (messageId) => (messageId ? `/from/${encodeURIComponent(messageId)}` : '');

/** A customer's page; from an email: its "Start a return" links name that email (sourceMessageId). */
export const customerHref = (email, messageId) => `#/customer/${encodeURIComponent(email)}${from(messageId)}`;
export const customerLink = (email) => h('a', { href: customerHref(email) }, email);
export const startReturnHref = (orderId, messageId) => `#/order/${encodeURIComponent(orderId)}/return${from(messageId)}`;
