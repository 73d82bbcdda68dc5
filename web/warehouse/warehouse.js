// Warehouse screen: scan or type a tracking number or RMA, receive the package, inspect it line by line
// with a preview of the refund before committing.
import { startApp } from '/shared/app.js';
import {
  FIND_BY_TRACKING, INSPECTION_PREVIEW, INSPECT_RETURN, MERCHANT_REASONS, RECEIVE_RETURN, RETURN,
} from '/shared/operations.js';
import { itemsCard, lineNote, lineTitle, returnHeading, timelineCard } from '/shared/returns.js';
import {
  h, busy, clauseList, field, money, notice, select, userErrors, CONDITIONS, REASONS,
} from '/shared/ui.js';

function scanForm(ctx, term = '') {
  const input = h('input', { type: 'text', name: 'scan', value: term, autocomplete: 'off', autofocus: true, inputmode: 'text' });
  const form = h('form', { class: 'card' },
    h('div', { class: 'row' }, h('div', { class: 'grow' }, field('Tracking number or RMA', input, 'Scan the label or type it')),
      h('button', { type: 'submit' }, 'Find')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) ctx.go(`#/scan/${encodeURIComponent(input.value.trim())}`);
  });
  queueMicrotask(() => input.focus());
  return form;
}

async function find(ctx, term) {
  const byTracking = /^RMA-/i.test(term) ? [] : (await ctx.gql(FIND_BY_TRACKING, { trackingNumber: term })).returnsByTrackingNumber;
  if (byTracking.length) return byTracking;
  const ret = (await ctx.gql(RETURN, { id: term.toUpperCase() })).return;
  return ret ? [ret] : [];
}

async function scanView(ctx, term) {
  if (!term) return [h('h1', {}, 'Scan a package'), scanForm(ctx)];
  const found = await find(ctx, term);
  if (found.length === 1) { ctx.go(`#/return/${encodeURIComponent(found[0].id)}`); return []; }
  const message = h('div');
  const refuse = h('button', { type: 'button', class: 'danger', onclick: () => busy(refuse, async () => {
    // REQ-FIRST: receiving an unknown return refuses it and records the package for customer service.
    const answer = (await ctx.gql(RECEIVE_RETURN, { id: term })).receiveReturn;
    message.replaceChildren(answer.userErrors.length ? notice(answer.userErrors[0].message) : notice('Received.', 'success'));
  }).catch((error) => message.replaceChildren(notice(error.message, 'error'))) }, 'Refuse and record for customer service');
  return [h('h1', {}, 'Scan a package'), scanForm(ctx, term),
    found.length ? [h('h2', {}, `Several returns use ${term}`), h('ul', {}, found.map((r) => h('li', {}, h('a', { href: `#/return/${encodeURIComponent(r.id)}` }, r.id))))]
      : [notice(`No return request matches “${term}”.`, 'error'), h('p', {}, refuse), message]];
}

// A claim of merchant responsibility is answered on purpose or not at all: unanswered, it stands
// (a defaulted "no" would charge the customer a label fee nobody decided on).
const DEFECT_ANSWERS = { '': 'Not checked (the claim stands)', true: 'Defect confirmed', false: 'No defect found' };

function inspectionForm(ctx, ret, claimReasons) {
  const checks = ret.lines.map((line) => {
    const condition = select(CONDITIONS, 'NEW_WITH_TAGS', { name: `condition-${line.orderLineId}` });
    // only a merchant-responsibility reason (the policy's list) makes a claim to confirm or refute
    const defect = claimReasons.has(line.reason) ? select(DEFECT_ANSWERS, '', { name: `defect-${line.orderLineId}` }) : null;
    return {
      line, condition, defect,
      box: h('fieldset', {}, h('legend', {}, `${lineTitle(ret, line.orderLineId)} × ${line.quantity}`),
        h('p', { class: 'small muted' }, `Reason given: ${REASONS[line.reason] || line.reason}`), lineNote(line),
        field('Condition', condition),
        defect ? field('Claimed defect', defect, 'Confirmed: accepted whatever its condition. Refuted on every claim: the ordinary label fee applies.') : null),
    };
  });
  const lines = () => checks.map((c) => ({
    orderLineId: c.line.orderLineId, condition: c.condition.value,
    ...(c.defect && c.defect.value ? { defectConfirmed: c.defect.value === 'true' } : {}),
  }));
  const preview = h('div', { 'aria-live': 'polite', id: 'preview' });
  const message = h('div');
  const commit = h('button', { type: 'submit' }, 'Confirm the inspection');
  const form = h('form', {}, h('h2', {}, 'Inspect'), checks.map((c) => c.box),
    h('section', { class: 'card', 'aria-labelledby': 'preview-title' }, h('h2', { id: 'preview-title' }, 'Refund preview'), preview),
    message, commit);
  let ticket = 0;
  async function refreshPreview() {
    const mine = ++ticket;
    const answer = (await ctx.gql(INSPECTION_PREVIEW, { id: ret.id, lines: lines() })).inspectionPreview;
    if (mine !== ticket) return;
    if (answer.userErrors.length) { preview.replaceChildren(userErrors(answer.userErrors)); return; }
    const s = answer.settlement;
    const accepted = new Set(s.acceptedLineIds);
    preview.replaceChildren(
      h('p', {}, 'Refund: ', h('strong', { 'data-testid': 'preview-amount' }, money(s.amount)),
        ` · label fee ${money(s.labelFee)} · shipping credit ${money(s.shippingCredit)}`),
      h('ul', {}, checks.map((c) => h('li', {}, lineTitle(ret, c.line.orderLineId), ': ',
        accepted.has(c.line.orderLineId) ? h('span', { class: 'ok' }, 'accepted') : h('span', { class: 'bad' }, 'not accepted')))),
      clauseList(s.appliedClauses));
  }
  form.addEventListener('change', () => refreshPreview().catch((e) => preview.replaceChildren(notice(e.message, 'error'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(commit, async () => {
      const answer = (await ctx.gql(INSPECT_RETURN, { id: ret.id, lines: lines() })).inspectReturn;
      if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors));
      else ctx.refresh();
    }).catch((error) => message.replaceChildren(notice(error.message, 'error')));
  });
  refreshPreview().catch((e) => preview.replaceChildren(notice(e.message, 'error')));
  return h('div', { class: 'card' }, form);
}

async function merchantReasons(ctx) {
  return new Set((await ctx.gql(MERCHANT_REASONS, {})).returnPolicy.merchantResponsibilityReasons);
}

async function returnView(ctx, id) {
  const ret = (await ctx.gql(RETURN, { id })).return;
  if (!ret) return [h('h1', {}, 'Return not found'), notice(`There is no return ${id}.`, 'error'), scanForm(ctx)];
  const message = h('div');
  const receive = h('button', { type: 'button', onclick: () => busy(receive, async () => {
    const answer = (await ctx.gql(RECEIVE_RETURN, { id })).receiveReturn;
    if (answer.userErrors.length) message.replaceChildren(userErrors(answer.userErrors));
    else ctx.refresh();
  }).catch((error) => message.replaceChildren(notice(error.message, 'error'))) }, 'Receive the package');
  return [
    returnHeading(ret),
    h('p', {}, `Customer ${ret.order.email}`, ret.trackingNumber ? ` · tracking ${ret.trackingNumber}` : ''),
    message,
    ['APPROVED', 'IN_TRANSIT'].includes(ret.status) ? h('p', {}, receive) : null,
    ret.status === 'RECEIVED' ? inspectionForm(ctx, ret, await merchantReasons(ctx)) : itemsCard(ret),
    ret.settlement ? h('p', {}, 'Refund after inspection: ', h('strong', {}, money(ret.settlement.amount))) : null,
    timelineCard(ret),
    h('p', {}, h('a', { href: '#/scan' }, 'Scan the next package')),
  ];
}

startApp({
  app: 'warehouse', role: 'warehouse', title: 'Warehouse', home: '#/scan',
  nav: [['#/scan', 'Scan']],
  routes: [[/^#\/scan(?:\/(.+))?$/, scanView], [/^#\/return\/([^/]+)$/, returnView]],
});
