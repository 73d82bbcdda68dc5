// An order as the portal shows it (each line returnable or not, why, until when) and the return request
// form with its live quote. The portal's customers use them, and the console's agents start a return
// for a customer with the very same form and quote (who speaks: `who`).
import { REQUEST_RETURN, RETURN_QUOTE } from './operations.js';
import { h, busy, clause, clauseList, date, field, money, notice, select, userErrors, METHODS, REASONS } from './ui.js';

export function returnabilityCell(item) {
  if (!item) return '–';
  if (item.eligible) {
    return h('span', { class: 'ok' }, `Yes (${item.returnableQuantity}), until ${date(item.returnDeadline)}`);
  }
  return h('div', {}, h('span', { class: 'bad' }, 'No'), item.reasons.map((reason) => h('div', {}, reason.message, h('br'), clause(reason.clause))));
}

/** An order's lines: quantity, price, and whether each can be returned (why not, with the clause). */
export function orderLinesTable(order) {
  const byLine = Object.fromEntries(order.returnability.map((item) => [item.orderLineId, item]));
  return h('table', { class: 'stack' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', { class: 'num' }, 'Qty'), h('th', { class: 'num' }, 'Price'), h('th', {}, 'Returnable'))),
    h('tbody', {}, order.lines.map((line) => h('tr', {},
      h('td', {}, line.title),
      h('td', { class: 'num', 'data-label': 'Qty' }, line.quantity),
      h('td', { class: 'num', 'data-label': 'Price' }, money(line.unitPrice)),
      h('td', { 'data-label': 'Returnable' }, returnabilityCell(byLine[line.id]))))));
}

/** The other items of a line's set (NR-SET: a set goes back whole), or none. */
function setMates(order, orderLineId) {
  const line = order.lines.find((l) => l.id === orderLineId);
  return line?.setId ? order.lines.filter((l) => l.setId === line.setId && l.id !== line.id) : [];
}

const quoted = (text) => `“${text}”`;

/** Why a line cannot go back, in the customer's words: items by title, never by internal id. */
function problemText(order, orderLineId, message, isSetRule) {
  const titles = Object.fromEntries(order.lines.map((l) => [l.id, l.title]));
  const named = (ids) => ids.map((id) => quoted(titles[id])).join(' and ');
  const words = new Set(message.match(/[\w-]+/g));
  const mates = setMates(order, orderLineId).map((l) => l.id);
  if (isSetRule && mates.length) {
    const blocked = mates.filter((id) => words.has(id));
    return message.includes('cannot be returned')
      ? `It is part of a set with ${named(mates)}; ${named(blocked)} cannot be returned, and a set goes back whole or not at all.`
      : `It is part of a set with ${named(mates)}: return every item of the set, each in the full quantity you received, in the same request.`;
  }
  // other messages may name lines by id (e.g. the quantity rule): use their titles
  return message.replace(/[\w-]+/g, (word) => (Object.hasOwn(titles, word) ? quoted(titles[word]) : word));
}

/** A request's userErrors: a refused line says which item (its title) and why, clause by clause. */
function requestErrors(order, lines, errors) {
  return notice(errors.map((e) => {
    const index = e.field?.[0] === 'input' && e.field[1] === 'lines' ? Number(e.field[2]) : NaN;
    const line = lines[index];
    if (e.code !== 'INELIGIBLE' || !line) return `${e.message}${e.code ? ` (${e.code})` : ''}`;
    // "line <id>: <reason> (<clause>); <reason> (<clause>)" (service/requests.py)
    const reasons = [...e.message.replace(/^line [^:]+: /, '').matchAll(/(.+?) \(([A-Z][A-Z0-9-]*)\)(?:; |$)/g)];
    const why = reasons.map(([, text, id]) => `${problemText(order, line.orderLineId, text, id === 'NR-SET')} (${id})`);
    return `${quoted(order.lines.find((l) => l.id === line.orderLineId).title)} cannot be returned: ${why.join(' ') || e.message}`;
  }).join(' · '), 'error');
}

function quotePanel(quote, order) {
  const titles = Object.fromEntries(order.lines.map((line) => [line.id, line.title]));
  return [
    h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Item'), h('th', { class: 'num' }, 'Qty'), h('th', { class: 'num' }, 'Refund'))),
      h('tbody', {}, quote.lines.map((line) => h('tr', {},
        h('td', {}, titles[line.orderLineId], line.eligible ? null : line.reasons.map((r) => h('div', { class: 'bad small' },
          problemText(order, line.orderLineId, r.message, r.code === 'SET_INCOMPLETE'), ' ', clause(r.clause)))),
        h('td', { class: 'num', 'data-label': 'Qty' }, line.quantity),
        h('td', { class: 'num', 'data-label': 'Refund' }, money(line.amount)))))),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Items'), h('dd', {}, money(quote.itemsSubtotal)),
      h('dt', {}, 'Return label fee'), h('dd', {}, `− ${money(quote.labelFee)}`),
      h('dt', {}, 'Original shipping refunded'), h('dd', {}, `+ ${money(quote.shippingCredit)}`),
      h('dt', {}, 'Your refund'), h('dd', {}, h('strong', { 'data-testid': 'quote-total' }, money(quote.total)))),
    h('h3', {}, 'Why these fees and credits'), clauseList(quote.appliedClauses),
  ];
}

/** The form's own words for a customer requesting their return; the console passes an agent's. */
const CUSTOMER_WORDS = {
  methodLegend: 'How will you send it?', methods: METHODS, submit: 'Request the return', quoteTitle: 'Your quote',
  attest: 'The items are new, unworn, with tags and packaging intact (COND-NEW).',
  attestMissing: 'Please confirm the items are new, unworn, with tags (COND-NEW).',
};

/**
 * The request form of one order (its eligible lines, method, COND-NEW attestation, live quote) and the
 * lines it cannot take. `onRequested(returnId)` runs once the return exists; `words` replace the
 * customer's wording; `input` joins every request (e.g. the email an agent's request comes from).
 */
export function requestSections({ gql }, order, { onRequested, words = CUSTOMER_WORDS, input: extra = {} }) {
  const orderId = order.id;
  const titles = Object.fromEntries(order.lines.map((line) => [line.id, line.title]));
  const eligible = order.returnability.filter((item) => item.eligible);
  const rows = eligible.map((item) => {
    const take = h('input', { type: 'checkbox', name: `take-${item.orderLineId}`, id: `take-${item.orderLineId}` });
    const quantity = select(Object.fromEntries(Array.from({ length: item.returnableQuantity }, (_, i) => [String(i + 1), String(i + 1)])), '1', { name: `qty-${item.orderLineId}` });
    const reason = select({ '': 'Choose a reason…', ...REASONS }, '', { name: `reason-${item.orderLineId}` });
    const note = h('textarea', { name: `note-${item.orderLineId}`, rows: '2', maxlength: '500' });
    const mates = setMates(order, item.orderLineId);
    const box = h('fieldset', {}, h('legend', {}, titles[item.orderLineId]),
      mates.length ? h('p', { class: 'small' }, h('strong', {}, 'Part of a set'), ` with ${mates.map((l) => quoted(l.title)).join(' and ')}: `
        + 'the set goes back whole, every item in the full quantity you received (NR-SET).') : null,
      h('label', { class: 'choice', for: take.id }, take, 'Return this item'),
      h('div', { class: 'row' }, field('Quantity', quantity), h('div', { class: 'grow' }, field('Reason', reason))),
      field('Note (optional)', note, 'What is wrong with it? For a defect, say what and where.'),
      h('p', { class: 'small muted' }, `Returnable until ${date(item.returnDeadline)}`));
    return { item, take, quantity, reason, note, box };
  });
  const methods = Object.entries(words.methods).map(([value, text]) => {
    const radio = h('input', { type: 'radio', name: 'method', value, id: `method-${value}`, checked: value === 'PREPAID_LABEL' });
    return h('label', { class: 'choice', for: radio.id }, radio, text);
  });
  const attest = h('input', { type: 'checkbox', name: 'attest', id: 'attest' });
  const quoteArea = h('div', { 'aria-live': 'polite', id: 'quote' }, h('p', { class: 'muted' }, 'Choose items and reasons to see your refund.'));
  const message = h('div');
  const submit = h('button', { type: 'submit' }, words.submit);
  const form = h('form', { novalidate: true },
    rows.map((row) => row.box),
    h('fieldset', {}, h('legend', {}, words.methodLegend), methods),
    h('label', { class: 'choice', for: attest.id }, attest, words.attest),
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
    for (const radio of form.querySelectorAll('input[name=method]')) {
      radio.disabled = !answer.quote.methodsAvailable.includes(radio.value);
    }
  }
  const notes = new Set(rows.map((row) => row.note));
  form.addEventListener('change', (event) => {
    message.replaceChildren(); // an error about the request as it was no longer holds
    if (notes.has(event.target)) attemptKey = crypto.randomUUID(); // a new note: a new request, same quote
    else if (event.target !== attest) refreshQuote().catch((e) => quoteArea.replaceChildren(notice(e.message, 'error')));
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      const lines = chosenLines();
      if (!lines.length) { message.replaceChildren(notice('Choose at least one item and its reason.', 'error')); return; }
      if (!attest.checked) { message.replaceChildren(notice(words.attestMissing, 'error')); attest.focus(); return; }
      const input = { ...extra, orderId, method: chosenMethod(), lines, conditionAttested: true, idempotencyKey: attemptKey };
      const answer = (await gql(REQUEST_RETURN, { input })).requestReturn;
      if (answer.userErrors.length) { message.replaceChildren(requestErrors(order, lines, answer.userErrors)); return; }
      onRequested(answer.return.id);
    }).catch((error) => message.replaceChildren(notice(error.message, 'error')));
  });
  const ineligible = order.returnability.filter((item) => !item.eligible);
  return [
    eligible.length ? form : notice('Nothing in this order can be returned any more.'),
    ineligible.length ? h('section', { class: 'card', 'aria-labelledby': 'not-title' }, h('h2', { id: 'not-title' }, 'Not returnable'),
      h('ul', {}, ineligible.map((item) => h('li', {}, h('strong', {}, titles[item.orderLineId]), ': ',
        item.reasons.map((r) => h('div', {}, r.message, ' ', clause(r.clause))))))) : null,
  ];
}
