// The service's refusals in the reader's language. The API words its userErrors and ineligibility reasons in
// English, for any client; the pages word each again by its code (and field), with the days and quantities
// they know, so that every language reads the same sentence. A code (or field) not known here shows the
// service's own English sentence: nothing is ever hidden for want of a translation.
import { speaking, t, tn } from './i18n.js';

/** A product title quoted as the language quotes (“…”, « … », „…“, 「…」). */
export const quoted = (title) => t('“{title}”', { title });

/** Several titles as one phrase: “Top” and “Skirt”, 「トップス」、「スカート」. */
export const titles = (lines) => speaking().list(lines.map((line) => quoted(line.title)));

/**
 * Why an order line cannot be returned (an IneligibilityReason), as a sentence. `line` is the order line,
 * `item` its returnability (deadline, quantity left), `order` the order (a set's other items) and `asked`
 * the quantity a quote asked for (none: the order's own view of the line).
 */
export function reasonText(reason, { order, line, item, asked } = {}) {
  switch (reason.code) {
    case 'NOT_DELIVERED':
      return t('It has not been delivered yet.');
    case 'RETURN_WINDOW_EXPIRED':
      return item?.returnDeadline
        ? t('Its return window closed on {date}.', { date: speaking().day(item.returnDeadline) })
        : t('Its return window has closed.');
    case 'NON_RETURNABLE_CATEGORY':
      return t('Items of this kind cannot be returned.');
    case 'MARKED_NON_RETURNABLE':
      return t('It is marked non-returnable.');
    case 'FREE_GIFT':
      return t('Free gifts cannot be returned.');
    case 'QUANTITY_EXCEEDED':
      return quantityText(line, item, asked) ?? reason.message;
    case 'SET_INCOMPLETE': {
      const mates = line?.setId ? (order?.lines || []).filter((other) => other.setId === line.setId && other.id !== line.id) : [];
      if (mates.length) {
        return t('It is part of a set with {items}: a set goes back whole, every item in the full quantity you received, '
          + 'in the same request.', { items: titles(mates) });
      }
      break;
    }
    default:
      break;
  }
  return reason.message;
}

function quantityText(line, item, asked) {
  if (!line) return null;
  if (asked === undefined) {
    return line.quantity === 1 ? t('It is already in an earlier return request.')
      : tn('{count} delivered item is already in earlier return requests.',
        'All {count} delivered items are already in earlier return requests.', line.quantity);
  }
  const left = item?.eligible ? item.returnableQuantity : 0;
  return left ? tn('Only {count} can still be returned: earlier return requests hold the rest.',
    'Only {count} can still be returned: earlier return requests hold the rest.', left)
    : t('Every delivered item is already in an earlier return request.');
}

/** The field a userError names, by its last name (`['input', 'lines', '0', 'note']` → `note`). */
const fieldOf = (error) => (error.field || []).filter((part) => part !== 'input' && !/^\d+$/.test(part)).at(-1);

// Per code, per field (or `*`: any field): the sentence, or per action of the page (request, cancel, tracking);
// `action:field` for one field of one action. Exported for the test that reads every one in every language.
export const REFUSALS = {
  IDEMPOTENCY_KEY_REUSED: { '*': () => t('This request was already sent with other details: reload the page and send it again.') },
  METHOD_NOT_AVAILABLE: {
    '*': () => t('A prepaid return label is available for US shipping addresses only: please choose to ship the package yourself.'),
  },
  TRACKING_NUMBER_TAKEN: {
    '*': () => t('This tracking number is on another customer’s return: check the number, or contact customer service.'),
  },
  CONFLICT: { '*': () => t('The return changed at the same moment somewhere else, so nothing was saved: please try again.') },
  UNSUPPORTED_CURRENCY: { '*': () => t('Returns of this order cannot be priced here: please contact customer service.') },
  NOT_FOUND: {
    orderId: () => t('There is no such order under your email address.'),
    id: () => t('There is no such return under your email address.'),
    orderLineId: () => t('This item is not in the order: reload the page.'),
  },
  INVALID_INPUT: {
    conditionAttested: () => t('Please confirm that the items are new, unworn and unwashed, with tags and packaging intact.'),
    trackingNumber: () => t('A tracking number has 6 to 40 letters, digits or dashes (spaces are left out): check it on your receipt.'),
    carrier: () => t('Write the carrier’s name as it is, without special characters.'),
    note: () => t('The note holds a character that cannot be stored (a control or text-direction character): please remove it.'),
  },
  INVALID_STATE: {
    // request: the order holds as many return requests as one order may
    orderId: () => t('This order cannot take another return request here: please contact customer service.'),
    cancel: () => t('This return can no longer be canceled: reload the page to see where it stands.'),
    // tracking, the one refusal that names the return: the carrier is being asked for a label right now
    'tracking:id': () => t('A label is being bought for this return right now: look again in a moment.'),
    tracking: () => t('The tracking number of this return can no longer be changed here: customer service can change it for you.'),
  },
};

/** A userError in the reader's language; `action` is what the page asked (request, cancel, tracking). */
export function refusalText(error, action = 'request') {
  const words = REFUSALS[error.code];
  const field = fieldOf(error);
  const say = words && (words[`${action}:${field}`] || words[field] || words[action] || words['*']);
  return say ? say() : error.message;
}

/** An API error of a whole operation (GraphQL `errors`, or no answer at all) in the reader's language. */
export function failureText(error) {
  if (error.code === 'INTERNAL_SERVER_ERROR' && error.reference) {
    return t('Something went wrong on our side: please try again in a moment. If it keeps happening, give customer '
      + 'service this reference: {reference}.', { reference: error.reference });
  }
  if (error.code === 'FORBIDDEN') return t('This is not yours to see or change.');
  if (error.code === 'UNREACHABLE') return t('The returns service could not be reached: check your connection and try again.');
  return error.message;
}
