// An order as the portal shows it (each line returnable or not, why, until when) and the return request
// form with its live quote. The portal's customers use them, and the console's agents start a return
// for a customer with the very same form and quote (who speaks: `who`).
import { REQUEST_RETURN, RETURN_QUOTE } from './operations.js';
import {
  h, busy, clause, clauseList, countryList, countryName, date, field, fieldError, money, notice, plus, select, userErrors,
  METHODS, REASONS,
} from './ui.js';

/** Why not, and the clause that says so; once, when the two say the same ("Free gifts cannot be returned."). */
const because = (reason) => (reason.message.trim() === reason.clause.text.trim()
  ? clause(reason.clause) : [reason.message, ' ', clause(reason.clause)]);

export function returnabilityCell(item) {
  if (!item) return '–';
  if (item.eligible) {
    return h('span', { class: 'ok' }, `Yes (${item.returnableQuantity}), until ${date(item.returnDeadline)}`);
  }
  return h('div', {}, h('span', { class: 'bad' }, 'No'), item.reasons.map((reason) => h('div', {}, because(reason))));
}

/** An order's lines: quantity, price with its tax, and whether each can be returned (why not, with the clause). */
export function orderLinesTable(order) {
  const byLine = Object.fromEntries(order.returnability.map((item) => [item.orderLineId, item]));
  return h('table', { class: 'stack' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', { class: 'num' }, 'Qty'), h('th', { class: 'num' }, 'Price (tax incl.)'), h('th', {}, 'Returnable'))),
    h('tbody', {}, order.lines.map((line) => h('tr', {},
      h('td', {}, line.title),
      h('td', { class: 'num', 'data-label': 'Qty' }, line.quantity),
      h('td', { class: 'num', 'data-label': 'Price (tax incl.)' }, money(plus(line.unitPrice, line.unitTax))),
      h('td', { 'data-label': 'Returnable' }, returnabilityCell(byLine[line.id]))))));
}

/** The other items of a line's set (NR-SET: a set goes back whole), or none. */
function setMates(order, orderLineId) {
  const line = order.lines.find((l) => l.id === orderLineId);
  return line?.setId ? order.lines.filter((l) => l.setId === line.setId && l.id !== line.id) : [];
}

const quoted = (text) => `“${text}”`;

function quotePanel(quote, order) {
  const lines = Object.fromEntries(order.lines.map((line) => [line.id, line]));
  return [
    h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', {}, 'How it adds up'), h('th', { class: 'num' }, 'Refund'))),
      h('tbody', {}, quote.lines.map((line) => {
        const ordered = lines[line.orderLineId];
        return h('tr', {},
          h('td', {}, ordered.title, line.eligible ? null : line.reasons.map((r) => h('div', { class: 'bad small' }, because(r)))),
          h('td', { 'data-label': 'How it adds up' }, line.eligible
            ? `(${money(ordered.unitPrice)} + ${money(ordered.unitTax)} tax) × ${line.quantity}` : 'not returnable'),
          h('td', { class: 'num', 'data-label': 'Refund' }, money(line.amount)));
      }))),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Items (price + tax)'), h('dd', {}, money(quote.itemsSubtotal)),
      h('dt', {}, 'Return label fee'), h('dd', {}, `− ${money(quote.labelFee)}`),
      h('dt', {}, 'Return shipping credit'), h('dd', {}, `+ ${money(quote.shippingCredit)}`),
      h('dt', {}, 'Original shipping'), h('dd', {}, 'not refunded ', h('small', { class: 'ref' }, '(REFUND-SHIPPING)')),
      h('dt', {}, 'Your refund'), h('dd', {}, h('strong', { 'data-testid': 'quote-total' }, money(quote.total)))),
    h('h3', {}, 'Why these fees and credits'), clauseList(quote.appliedClauses),
  ];
}

/** The form's own words for a customer requesting their return; the console passes an agent's. */
const CUSTOMER_WORDS = {
  methodLegend: 'How will you send it?', methods: METHODS, submit: 'Request the return', quoteTitle: 'Your quote',
  attest: 'The items are new, unworn, with tags and packaging intact (COND-NEW).',
  attestMissing: 'Please confirm the items are new, unworn, with tags and packaging intact.',
  noLabel: (country, labelCountries) => `A prepaid return label is offered only for orders shipped to: ${labelCountries}. Your order was `
    + `shipped to ${country}, so you ship it yourself with a traceable carrier (USPS, UPS, FedEx, …) and keep the tracking number.`,
  whyReason: (title) => `Choose why you return ${quoted(title)}.`,
};

/** An error the service answered, next to the part of the form it names (else above the button). */
function placeErrors(errors, { rows, lines, methodProblem, attest, general }) {
  const loose = [];
  for (const error of errors) {
    const [root, part, index] = error.field || [];
    const sent = root === 'input' && part === 'lines' ? lines[Number(index)] : null; // the request's n-th line
    const row = sent && rows.find((r) => r.item.orderLineId === sent.orderLineId);
    if (row) row.problem.replaceChildren(error.message);
    else if (part === 'method') methodProblem.replaceChildren(error.message);
    else if (part === 'conditionAttested') fieldError(attest, error.message);
    else loose.push(error);
  }
  general.replaceChildren(loose.length ? userErrors(loose) : '');
  (rows.find((row) => row.problem.textContent)?.take || general).scrollIntoView?.({ block: 'center' });
}

/**
 * The request form of one order (its eligible lines, method, COND-NEW attestation, live quote) and the
 * lines it cannot take. `onRequested(returnId)` runs once the return exists; `labelCountries` are the
 * policy's prepaid-label countries (returnPolicy.prepaidLabelCountries); `words` replace the
 * customer's wording; `input` joins every request (e.g. the email an agent's request comes from).
 */
export function requestSections({ gql }, order, { onRequested, labelCountries, words: given = {}, input: extra = {} }) {
  const words = { ...CUSTOMER_WORDS, ...given };
  const orderId = order.id;
  const titles = Object.fromEntries(order.lines.map((line) => [line.id, line.title]));
  const eligible = order.returnability.filter((item) => item.eligible);
  const labelOffered = order.returnMethods.includes('PREPAID_LABEL'); // LABEL-US, as the policy decides it
  const rows = eligible.map((item) => {
    const take = h('input', { type: 'checkbox', name: `take-${item.orderLineId}`, id: `take-${item.orderLineId}` });
    const quantity = select(Object.fromEntries(Array.from({ length: item.returnableQuantity }, (_, i) => [String(i + 1), String(i + 1)])), '1', { name: `qty-${item.orderLineId}` });
    const reason = select({ '': 'Choose a reason…', ...REASONS }, '', { name: `reason-${item.orderLineId}` });
    const note = h('textarea', { name: `note-${item.orderLineId}`, rows: '2', maxlength: '500' });
    const problem = h('p', { class: 'field-error', role: 'alert' });
    const mates = setMates(order, item.orderLineId);
    const box = h('fieldset', {}, h('legend', {}, titles[item.orderLineId]),
      mates.length ? h('p', { class: 'small' }, h('strong', {}, 'Part of a set'), ` with ${mates.map((l) => quoted(l.title)).join(' and ')}: `
        + 'the set goes back whole, every item in the full quantity you received. ', h('small', { class: 'ref' }, '(NR-SET)')) : null,
      h('label', { class: 'choice', for: take.id }, take, 'Return this item'),
      h('div', { class: 'row' }, field('Quantity', quantity), h('div', { class: 'grow' }, field('Reason', reason))),
      field('Note (optional)', note, 'What is wrong with it? For a defect, say what and where.'),
      problem,
      h('p', { class: 'small muted' }, `Returnable until ${date(item.returnDeadline)}`));
    return { item, take, quantity, reason, note, problem, box };
  });
  // LABEL-US: outside the label countries the form chooses shipping on one's own and says why
  const methods = Object.entries(words.methods).map(([value, text]) => {
    const radio = h('input', { type: 'radio', name: 'method', value, id: `method-${value}`,
      checked: value === (labelOffered ? 'PREPAID_LABEL' : 'SELF_SHIP'), disabled: value === 'PREPAID_LABEL' && !labelOffered });
    return h('label', { class: 'choice', for: radio.id }, radio, text);
  });
  const methodProblem = h('p', { class: 'field-error', role: 'alert' });
  const noLabel = labelOffered ? null
    : h('p', { class: 'small', id: 'no-label' }, words.noLabel(countryName(order.shippingAddress.countryCode), countryList(labelCountries)), ' ', h('small', { class: 'ref' }, '(LABEL-US)'));
  const attest = h('input', { type: 'checkbox', name: 'attest', id: 'attest', 'aria-describedby': 'attest-error' });
  const quoteArea = h('div', { 'aria-live': 'polite', id: 'quote' }, h('p', { class: 'muted' }, 'Choose items and reasons to see your refund.'));
  const message = h('div');
  const submit = h('button', { type: 'submit' }, words.submit);
  const form = h('form', { novalidate: true },
    rows.map((row) => row.box),
    h('fieldset', {}, h('legend', {}, words.methodLegend), methods, noLabel, methodProblem),
    h('div', { class: 'field' }, h('label', { class: 'choice', for: attest.id }, attest, words.attest),
      h('span', { class: 'field-error', id: 'attest-error', role: 'alert' })),
    h('section', { class: 'card', 'aria-labelledby': 'quote-title' }, h('h2', { id: 'quote-title' }, words.quoteTitle), quoteArea),
    message, submit);

  const chosenMethod = () => form.querySelector('input[name=method]:checked').value;
  const chosenLines = () => rows.filter((row) => row.take.checked && row.reason.value).map((row) => ({
    orderLineId: row.item.orderLineId, quantity: Number(row.quantity.value), reason: row.reason.value,
    ...(row.note.value.trim() ? { note: row.note.value.trim() } : {}),
  }));
  // One idempotency key per attempt: a double click (or a retry after a network error) sends the
  // same key, so the service makes one return; changing the request starts a new attempt.
  let attemptKey = crypto.randomUUID();
  let quoting = 0;
  async function refreshQuote() {
    attemptKey = crypto.randomUUID();
    const lines = chosenLines();
    if (!lines.length) { quoteArea.replaceChildren(h('p', { class: 'muted' }, 'Choose items and reasons to see your refund.')); return; }
    const ticket = ++quoting;
    const answer = (await gql(RETURN_QUOTE, { input: { orderId, method: chosenMethod(), lines } })).returnQuote;
    if (ticket !== quoting) return; // a newer quote is on its way
    if (answer.userErrors.length) { quoteArea.replaceChildren(userErrors(answer.userErrors)); return; }
    quoteArea.replaceChildren(...quotePanel(answer.quote, order));
  }
  const clearErrors = () => {
    message.replaceChildren();
    methodProblem.replaceChildren();
    rows.forEach((row) => { row.problem.replaceChildren(); fieldError(row.reason, ''); });
    fieldError(attest, '');
  };
  const notes = new Set(rows.map((row) => row.note));
  form.addEventListener('change', (event) => {
    clearErrors(); // an error about the request as it was no longer holds
    const row = rows.find((r) => r.reason === event.target);
    if (row?.reason.value) row.take.checked = true; // choosing a reason is choosing to return the item
    if (notes.has(event.target)) attemptKey = crypto.randomUUID(); // a new note: a new request, same quote
    else if (event.target !== attest) refreshQuote().catch((e) => quoteArea.replaceChildren(notice(e.message, 'error')));
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors();
    const unexplained = rows.filter((row) => row.take.checked && !row.reason.value);
    unexplained.forEach((row) => fieldError(row.reason, words.whyReason(titles[row.item.orderLineId])));
    if (unexplained.length) { unexplained[0].reason.focus(); return; }
    const lines = chosenLines();
    if (!lines.length) { message.replaceChildren(notice('Choose at least one item to return, and its reason.', 'error')); rows[0]?.take.focus(); return; }
    if (!attest.checked) { fieldError(attest, words.attestMissing); attest.focus(); return; }
    busy(submit, async () => {
      const input = { ...extra, orderId, method: chosenMethod(), lines, conditionAttested: true, idempotencyKey: attemptKey };
      const answer = (await gql(REQUEST_RETURN, { input })).requestReturn;
      if (answer.userErrors.length) { placeErrors(answer.userErrors, { rows, lines, methodProblem, attest, general: message }); return; }
      onRequested(answer.return.id);
    }).catch((error) => message.replaceChildren(notice(error.message, 'error')));
  });
  const ineligible = order.returnability.filter((item) => !item.eligible);
  return [
    eligible.length ? form : notice('Nothing in this order can be returned any more.'),
    ineligible.length ? h('section', { class: 'card', 'aria-labelledby': 'not-title' }, h('h2', { id: 'not-title' }, 'Not returnable'),
      h('ul', {}, ineligible.map((item) => h('li', {}, h('strong', {}, titles[item.orderLineId]), ': ',
        item.reasons.map((r) => h('div', {}, because(r))))))) : null,
  ];
}
