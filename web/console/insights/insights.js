// Insights (merchant and agents): why things come back, what returns cost, what each clause does, over a
// period of request dates (docs/spec/insights.md). Each view: a chart, the same numbers as a table, a CSV.
import { EXPORT_RETURNS, INSIGHTS, POLICY_CLAUSES } from '/shared/operations.js';
import { REASONS, busy, dateTime, field, h, money, notice, select, statusWord, userErrors } from '/shared/ui.js';
import { barChart, csv, groupedColumns, save } from './charts.js';

const DAY = 86_400_000;
const iso = (time) => new Date(time).toISOString().slice(0, 10);
const pct = (rate) => (rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`);
const amount = (m) => Number(m.amount);
const reason = (code) => REASONS[code] || code;

/** The period [from, to] in whole UTC days (both shown; the API's `to` is the next day's midnight). */
function period(from, to) {
  const today = Date.parse(`${iso(Date.now())}T00:00:00Z`);
  const end = to && !Number.isNaN(Date.parse(to)) ? Date.parse(`${to}T00:00:00Z`) : today;
  const start = from && !Number.isNaN(Date.parse(from)) ? Date.parse(`${from}T00:00:00Z`) : end - 29 * DAY;
  return { from: iso(start), to: iso(end), variables: { from: new Date(start).toISOString(), to: new Date(end + DAY).toISOString() } };
}

const PRESETS = { 30: 'Last 30 days', 90: 'Last 90 days', 365: 'Last 365 days' };

function periodForm(ctx, view, chosen) {
  const from = h('input', { type: 'date', name: 'from', value: chosen.from, required: true });
  const to = h('input', { type: 'date', name: 'to', value: chosen.to, required: true });
  const preset = select({ '': 'Choose…', ...PRESETS }, '', { name: 'preset' });
  preset.addEventListener('change', () => {
    if (!preset.value) return;
    to.value = iso(Date.now());
    from.value = iso(Date.now() - (Number(preset.value) - 1) * DAY);
  });
  const form = h('form', { class: 'card row', 'aria-label': 'Period' },
    field('From (request date)', from), field('To', to), field('Or the', preset), h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.go(`#/insights/${view}/${from.value}/${to.value}`);
  });
  return form;
}

/** A table of figures: columns [header, value(row), numeric?]; the CSV holds the same columns. */
function figures(caption, columns, rows, file) {
  const table = h('table', { class: 'stack' }, h('caption', { class: 'muted small' }, caption),
    h('thead', {}, h('tr', {}, columns.map(([header, , num]) => h('th', { scope: 'col', class: num ? 'num' : null }, header)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([header, value, num]) => h('td', { class: num ? 'num' : null, 'data-label': header },
      num === 'money' ? money(value(row)) : String(value(row) ?? '–')))))));
  const raw = (value, num) => (num === 'money' ? value?.amount : value);
  const download = h('button', { type: 'button', class: 'secondary' }, `Download “${caption}” as CSV`);
  download.addEventListener('click', () => save(file, csv(columns.map(([header]) => header),
    rows.map((row) => columns.map(([, value, num]) => raw(value(row), num))))));
  return [table, h('p', {}, download)];
}

const MONEY_COLUMNS = [['Item value', (r) => r.itemValue, 'money'], ['Refunded', (r) => r.refunded, 'money'],
  ['Label fees', (r) => r.labelFees, 'money'], ['Credits', (r) => r.shippingCredits, 'money']];

/** Products or categories: the most returned first, with their return rate and why they came back. */
function productView(noun, dimension) {
  return {
    queries: [{ groupBy: dimension }, { groupBy: dimension, thenBy: 'REASON' }],
    render([rows, why], file) {
      const reasons = (key) => why.filter((r) => r.key === key).sort((a, b) => b.units - a.units)
        .map((r) => `${reason(r.subKey)} ${r.units}`).join(', ');
      const returned = rows.filter((r) => r.returns > 0);
      return [
        barChart(`Return rate of the ${noun.toLowerCase()}s returned most`, returned.slice(0, 10)
          .map((r) => ({ label: r.key, value: r.returnRate || 0, text: `${pct(r.returnRate)} (${r.units} of ${r.deliveredUnits})` }))),
        figures(`${noun}s`, [[noun, (r) => r.key], ['Returns', (r) => r.returns, 1], ['Units', (r) => r.units, 1],
          ['Delivered', (r) => r.deliveredUnits, 1], ['Return rate', (r) => pct(r.returnRate), 1], ['Why', (r) => reasons(r.key)],
          ...MONEY_COLUMNS.slice(0, 2)], rows, file),
      ];
    },
  };
}

const VIEWS = {
  products: ['Products', productView('Product', 'SKU')],
  categories: ['Categories', productView('Category', 'CATEGORY')],
  reasons: ['Reasons', {
    queries: [{ groupBy: 'REASON' }],
    render: ([rows], file) => [
      barChart('Units returned by reason', rows.map((r) => ({ label: reason(r.key), value: r.units, text: `${r.units} units` }))),
      figures('Reasons', [['Reason', (r) => reason(r.key)], ['Returns', (r) => r.returns, 1], ['Units', (r) => r.units, 1],
        ...MONEY_COLUMNS.slice(0, 2)], rows, file)],
  }],
  money: ['Money by month', {
    queries: [{ groupBy: 'MONTH' }],
    render: ([rows], file) => {
      const months = [...rows].sort((a, b) => a.key.localeCompare(b.key));
      return [
        groupedColumns('Refunded, label fees and credits by month', months.map((r) => r.key), [
          { name: 'Refunded', values: months.map((r) => amount(r.refunded)) },
          { name: 'Label fees', values: months.map((r) => amount(r.labelFees)) },
          { name: 'Credits', values: months.map((r) => amount(r.shippingCredits)) }]),
        figures('Money by month', [['Month', (r) => r.key], ['Returns', (r) => r.returns, 1], ...MONEY_COLUMNS], months, file)];
    },
  }],
  where: ['Countries and methods', {
    queries: [{ groupBy: 'COUNTRY' }, { groupBy: 'METHOD' }],
    render: ([countries, methods], file) => [
      barChart('Returns by shipping country', countries.map((r) => ({ label: r.key, value: r.returns, text: String(r.returns) }))),
      figures('Countries', [['Country', (r) => r.key], ['Returns', (r) => r.returns, 1], ...MONEY_COLUMNS], countries, `countries-${file}`),
      barChart('Returns by method', methods.map((r) => ({ label: r.key, value: r.returns, text: String(r.returns) }))),
      figures('Methods', [['Method', (r) => r.key], ['Returns', (r) => r.returns, 1], ...MONEY_COLUMNS], methods, `methods-${file}`)],
  }],
  screening: ['Screening', {
    queries: [{ groupBy: 'CLAUSE', thenBy: 'STATUS' }],
    render: ([rows], file) => {
      const flagged = rows.filter((r) => r.key.startsWith('SCREEN-'));
      const flags = [...new Set(flagged.map((r) => r.key))];
      const count = (flag) => flagged.filter((r) => r.key === flag).reduce((sum, r) => sum + r.returns, 0);
      return [
        barChart('Returns flagged, by screening clause', flags.map((flag) => ({ label: flag, value: count(flag), text: String(count(flag)) }))),
        flagged.length ? figures('Screening flags and outcomes', [['Flag', (r) => r.key], ['Outcome', (r) => statusWord(r.subKey)],
          ['Returns', (r) => r.returns, 1], ['Refunded', (r) => r.refunded, 'money']], flagged, file) : notice('No return was flagged.')];
    },
  }],
  policy: ['Policy', {
    queries: [{ groupBy: 'CLAUSE' }],
    render: ([rows], file, clauses) => [
      barChart('Returns each clause acted on', rows.map((r) => ({ label: r.key, value: r.returns, text: String(r.returns) }))),
      figures('Clauses', [['Clause', (r) => r.key], ['What it says', (r) => clauses[r.key] || ''], ['Returns', (r) => r.returns, 1],
        ['Rejected value', (r) => r.rejectedValue, 'money'], ...MONEY_COLUMNS.slice(1)], rows, file)],
  }],
};

/** Accounting's files: exported by the service (Athena), behind a link that works for a few minutes. */
function exportsCard(ctx, chosen) {
  const message = h('div', { role: 'status' });
  const button = (kind, text) => {
    const b = h('button', { type: 'button', class: 'secondary' }, text);
    b.addEventListener('click', () => busy(b, async () => {
      const answer = (await ctx.gql(EXPORT_RETURNS, { ...chosen.variables, kind })).exportReturns;
      if (answer.userErrors.length) { message.replaceChildren(userErrors(answer.userErrors)); return; }
      message.replaceChildren(h('a', { href: answer.url }, `Download ${text.toLowerCase()} (${answer.rows} rows; the link works for 5 minutes)`));
      location.assign(answer.url);
    }).catch((error) => message.replaceChildren(notice(error.message, 'error'))));
    return b;
  };
  return h('section', { class: 'card', 'aria-labelledby': 'exports-title' }, h('h2', { id: 'exports-title' }, 'Files for accounting'),
    h('p', { class: 'muted small' }, 'Refunds paid in the period (Stripe refund ids, to reconcile with payouts), or every requested line.'),
    h('div', { class: 'row' }, button('REFUNDS', 'Refunds CSV'), button('RETURN_LINES', 'Return lines CSV')), message);
}

export async function insightsView(ctx, view = 'products', from = undefined, to = undefined) {
  const [title, spec] = VIEWS[view] || VIEWS.products;
  const name = VIEWS[view] ? view : 'products';
  const chosen = period(from, to);
  const answers = await Promise.all(spec.queries.map(async (q) => (await ctx.gql(INSIGHTS, { ...chosen.variables, thenBy: null, ...q })).returnInsights));
  const failed = answers.find((a) => a.userErrors.length);
  const clauses = name === 'policy'
    ? Object.fromEntries((await ctx.gql(POLICY_CLAUSES)).returnPolicy.clauses.map((c) => [c.id, c.text])) : {};
  const asOf = answers.map((a) => a.asOf).sort().at(-1);
  const tabs = h('nav', { 'aria-label': 'Insights views' }, h('ul', {}, Object.entries(VIEWS).map(([key, [text]]) =>
    h('li', {}, h('a', { href: `#/insights/${key}/${chosen.from}/${chosen.to}`, 'aria-current': key === name ? 'page' : null }, text)))));
  return [
    h('h1', {}, `Insights: ${title}`),
    tabs,
    periodForm(ctx, name, chosen),
    h('p', { class: 'muted small' }, `Returns requested ${chosen.from} to ${chosen.to} (UTC); figures as of ${dateTime(asOf)}.`),
    failed ? userErrors(failed.userErrors) : [
      answers.some((a) => a.truncated) ? notice('Only the first 1,000 rows are shown: choose a shorter period.') : null,
      answers.every((a) => !a.rows.length) ? notice('No return was requested in this period.')
        : spec.render(answers.map((a) => a.rows), `${name}-${chosen.from}-to-${chosen.to}.csv`, clauses)],
    exportsCard(ctx, chosen),
  ];
}
