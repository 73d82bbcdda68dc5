// An order as the portal shows it (each line returnable or not, why, until when) and the return request
// form with its live quote. The portal's customers use them, and the console's agents start a return
// for a customer with the very same form and quote (who speaks: `who`).
import { t } from './i18n.js';
import { REQUEST_RETURN, RETURN_QUOTE } from './operations.js';
import { failureText, quoted, reasonText, refusalText, titles } from './refusals.js';
import {
  h, busy, clause, clauseList, countryList, countryName, date, field, fieldError, money, notice, plus, select, userErrors,
  METHODS, REASONS,
} from './ui.js';

/** Each reason a line cannot be returned, in words, with its clause explained beside it. */
function reasonList(reasons, context, attrs = {}) {
  return reasons.map((reason) => {
    const text = reasonText(reason, context);
    // said once when the reason and its clause say the same ("Free gifts cannot be returned.")
    return h('div', attrs, text.trim() === t(reason.clause.text).trim() ? null : [text, ' '], clause(reason.clause));
  });
}

export function returnabilityCell(item, order) {
  if (!item) return '–';
  if (item.eligible) {
    return h('span', { class: 'ok' }, t('Yes ({quantity}), until {date}', { quantity: item.returnableQuantity, date: date(item.returnDeadline) }));
  }
  const line = order.lines.find((l) => l.id === item.orderLineId);
  return h('div', {}, h('span', { class: 'bad' }, t('No')), reasonList(item.reasons, { order, line, item }));
}

/** An order's lines: quantity, price with its tax, and whether each can be returned (why not, with the clause). */
export function orderLinesTable(order) {
  const byLine = Object.fromEntries(order.returnability.map((item) => [item.orderLineId, item]));
  const [qty, price, returnable] = [t('Qty'), t('Price (tax incl.)'), t('Returnable')];
  return h('table', { class: 'stack' },
    h('thead', {}, h('tr', {}, h('th', {}, t('Item')), h('th', { class: 'num' }, qty), h('th', { class: 'num' }, price), h('th', {}, returnable))),
    h('tbody', {}, order.lines.map((line) => h('tr', {},
      h('td', {}, line.title),
      h('td', { class: 'num', 'data-label': qty }, line.quantity),
      h('td', { class: 'num', 'data-label': price }, money(plus(line.unitPrice, line.unitTax))),
      h('td', { 'data-label': returnable }, returnabilityCell(byLine[line.id], order))))));
}

/** The other items of a line's set (NR-SET: a set goes back whole), or none. */
function setMates(order, orderLineId) {
  const line = order.lines.find((l) => l.id === orderLineId);
  return line?.setId ? order.lines.filter((l) => l.setId === line.setId && l.id !== line.id) : [];
}

/** The quote of the lines chosen, each line's sum or why it cannot be returned, the fees and credits by clause. */
function quotePanel(quote, order) {
  const lines = Object.fromEntries(order.lines.map((line) => [line.id, line]));
  const items = Object.fromEntries(order.returnability.map((item) => [item.orderLineId, item]));
  const [sum, refund] = [t('How it adds up'), t('Refund')];
  return [
    h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, h('th', {}, t('Item')), h('th', {}, sum), h('th', { class: 'num' }, refund))),
      h('tbody', {}, quote.lines.map((line) => {
        const ordered = lines[line.orderLineId];
        const context = { order, line: ordered, item: items[line.orderLineId], asked: line.quantity };
        return h('tr', {},
          h('td', {}, ordered.title, line.eligible ? null : reasonList(line.reasons, context, { class: 'bad small' })),
          h('td', { 'data-label': sum }, line.eligible
            ? t('({price} + {tax} tax) × {quantity}', { price: money(ordered.unitPrice), tax: money(ordered.unitTax), quantity: line.quantity })
            : t('not returnable')),
          h('td', { class: 'num', 'data-label': refund }, money(line.amount)));
      }))),
    h('dl', { class: 'facts' },
      h('dt', {}, t('Items (price + tax)')), h('dd', {}, money(quote.itemsSubtotal)),
      h('dt', {}, t('Return label fee')), h('dd', {}, `− ${money(quote.labelFee)}`),
      h('dt', {}, t('Return shipping credit')), h('dd', {}, `+ ${money(quote.shippingCredit)}`),
      h('dt', {}, t('Original shipping')), h('dd', {}, t('not refunded'), ' ', h('small', { class: 'ref' }, '(REFUND-SHIPPING)')),
      h('dt', {}, t('Your refund')), h('dd', {}, h('strong', { 'data-testid': 'quote-total' }, money(quote.total)))),
    h('h3', {}, t('Why these fees and credits')), clauseList(quote.appliedClauses),
  ];
}

/** The form's own words for a customer requesting their return, in their language; the console passes an agent's. */
const customerWords = () => ({
  methodLegend: t('How will you send it?'), submit: t('Request the return'), quoteTitle: t('Your quote'),
  methods: Object.fromEntries(Object.entries(METHODS).map(([method, text]) => [method, t(text)])),
  attest: t('The items are new, unworn, with tags and packaging intact (COND-NEW).'),
  attestMissing: t('Please confirm the items are new, unworn, with tags and packaging intact.'),
  noLabel: (country, countries) => t('A prepaid return label is offered only for orders shipped to: {countries}. Your order was '
    + 'shipped to {country}, so you ship it yourself with a traceable carrier (USPS, UPS, FedEx, …) and keep the tracking number.',
  { country, countries }),
  whyReason: (title) => t('Choose why you return {title}.', { title: quoted(title) }),
  nothingChosen: t('Choose items and reasons to see your refund.'),
});

/** A refused line in words: it cannot be returned, and why (the reasons of the latest quote, with their clauses). */
function refusedLine(row, quote, order) {
  const judged = quote?.lines.find((line) => line.orderLineId === row.item.orderLineId);
  const line = order.lines.find((l) => l.id === row.item.orderLineId);
  return [t('{item} cannot be returned as requested.', { item: quoted(line.title) }),
    judged?.reasons.length ? [' ', reasonList(judged.reasons, { order, line, item: row.item, asked: judged.quantity })] : null];
}

/** An error the service answered, in the reader's words, next to the part of the form it names (else above the button). */
function placeErrors(errors, { rows, lines, methodProblem, attest, general, quote, order }) {
  const loose = [];
  for (const error of errors) {
    const [root, part, index] = error.field || [];
    const sent = root === 'input' && part === 'lines' ? lines[Number(index)] : null; // the request's n-th line
    const row = sent && rows.find((r) => r.item.orderLineId === sent.orderLineId);
    if (row) row.problem.replaceChildren(...[error.code === 'INELIGIBLE' ? refusedLine(row, quote, order) : refusalText(error)].flat(Infinity).filter(Boolean));
    else if (part === 'method') methodProblem.replaceChildren(refusalText(error));
    else if (part === 'conditionAttested') fieldError(attest, refusalText(error));
    else loose.push(error);
  }
  general.replaceChildren(loose.length ? userErrors(loose, refusalText) : '');
  (rows.find((row) => row.problem.textContent)?.take || general).scrollIntoView?.({ block: 'center' });
}

/**
 * The request form of one order (its eligible lines, method, COND-NEW attestation, live quote) and the
 * lines it cannot take. `onRequested(returnId)` runs once the return exists; `labelCountries` are the
 * policy's prepaid-label countries (returnPolicy.prepaidLabelCountries); `words` replace the
 * customer's wording; `input` joins every request (e.g. the email an agent's request comes from).
 */
export function requestSections({ gql }, order, { onRequested, labelCountries, words: given = {}, input: extra = {} }) {
  const words = { ...customerWords(), ...given };
  const orderId = order.id;
  const lineTitles = Object.fromEntries(order.lines.map((line) => [line.id, line.title]));
  const eligible = order.returnability.filter((item) => item.eligible);
  const labelOffered = order.returnMethods.includes('PREPAID_LABEL'); // LABEL-US, as the policy decides it
  const rows = eligible.map((item) => {
    const take = h('input', { type: 'checkbox', name: `take-${item.orderLineId}`, id: `take-${item.orderLineId}` });
    const quantity = select(Object.fromEntries(Array.from({ length: item.returnableQuantity }, (_, i) => [String(i + 1), String(i + 1)])), '1', { name: `qty-${item.orderLineId}` });
    const reasons = Object.fromEntries(Object.entries(REASONS).map(([code, text]) => [code, t(text)]));
    const reason = select({ '': t('Choose a reason…'), ...reasons }, '', { name: `reason-${item.orderLineId}` });
    const note = h('textarea', { name: `note-${item.orderLineId}`, rows: '2', maxlength: '500' });
    const problem = h('p', { class: 'field-error', role: 'alert' });
    const mates = setMates(order, item.orderLineId);
    const box = h('fieldset', {}, h('legend', {}, lineTitles[item.orderLineId]),
      mates.length ? h('p', { class: 'small' }, t('Part of a set with {items}: the set goes back whole, every item in the full quantity you received.',
        { items: titles(mates) }), ' ', h('small', { class: 'ref' }, '(NR-SET)')) : null,
      h('label', { class: 'choice', for: take.id }, take, t('Return this item')),
      h('div', { class: 'row' }, field(t('Quantity'), quantity), h('div', { class: 'grow' }, field(t('Reason'), reason))),
      field(t('Note (optional)'), note, t('What is wrong with it? For a defect, say what and where.')),
      problem,
      h('p', { class: 'small muted' }, t('Returnable until {date}', { date: date(item.returnDeadline) })));
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
  const nothingChosen = () => h('p', { class: 'muted' }, words.nothingChosen);
  const quoteArea = h('div', { 'aria-live': 'polite', id: 'quote' }, nothingChosen());
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
  let latest = null; // the quote on screen: a refused line is explained by its reasons
  async function refreshQuote() {
    attemptKey = crypto.randomUUID();
    const lines = chosenLines();
    if (!lines.length) { latest = null; quoteArea.replaceChildren(nothingChosen()); return; }
    const ticket = ++quoting;
    const answer = (await gql(RETURN_QUOTE, { input: { orderId, method: chosenMethod(), lines } })).returnQuote;
    if (ticket !== quoting) return; // a newer quote is on its way
    latest = answer.quote;
    if (answer.userErrors.length) { quoteArea.replaceChildren(userErrors(answer.userErrors, refusalText)); return; }
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
    else if (event.target !== attest) refreshQuote().catch((e) => quoteArea.replaceChildren(notice(failureText(e), 'error')));
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors();
    const unexplained = rows.filter((row) => row.take.checked && !row.reason.value);
    unexplained.forEach((row) => fieldError(row.reason, words.whyReason(lineTitles[row.item.orderLineId])));
    if (unexplained.length) { unexplained[0].reason.focus(); return; }
    const lines = chosenLines();
    if (!lines.length) { message.replaceChildren(notice(t('Choose at least one item to return, and its reason.'), 'error')); rows[0]?.take.focus(); return; }
    if (!attest.checked) { fieldError(attest, words.attestMissing); attest.focus(); return; }
    busy(submit, async () => {
      const input = { ...extra, orderId, method: chosenMethod(), lines, conditionAttested: true, idempotencyKey: attemptKey };
      const answer = (await gql(REQUEST_RETURN, { input })).requestReturn;
      if (answer.userErrors.length) {
        placeErrors(answer.userErrors, { rows, lines, methodProblem, attest, general: message, quote: latest, order });
        return;
      }
      onRequested(answer.return.id);
    }).catch((error) => message.replaceChildren(notice(failureText(error), 'error')));
  });
  const ineligible = order.returnability.filter((item) => !item.eligible);
  return [
    eligible.length ? form : notice(t('Nothing in this order can be returned any more.')),
    ineligible.length ? h('section', { class: 'card', 'aria-labelledby': 'not-title' }, h('h2', { id: 'not-title' }, t('Not returnable')),
      h('ul', {}, ineligible.map((item) => h('li', {}, h('strong', {}, lineTitles[item.orderLineId]),
        reasonList(item.reasons, { order, line: order.lines.find((l) => l.id === item.orderLineId), item }))))) : null,
  ];
}
