// Warehouse screen: scan or type a tracking number or RMA, receive the package, inspect it item by item
// (a condition chosen for each, none preset; what was seen, photos) with a preview of the refund before
// committing. A number that matches nothing is checked against the packages we expect before anything
// is refused; refusing asks first. A finished action is never offered again on back or reload.
import { startApp } from '/shared/app.js';
import {
  EXPECTED_PACKAGES, FIND_BY_TRACKING, INSPECTION_PHOTO_UPLOAD, INSPECTION_PREVIEW, INSPECT_RETURN, MERCHANT_REASONS,
  PACKAGE_PHOTO_UPLOAD, RECEIVE_RETURN, RECORD_UNKNOWN_PACKAGE, RETURN,
} from '/shared/operations.js';
import { itemsCard, lineNote, lineTitle, orderLine, returnHeading, rmaOf, timelineCard } from '/shared/returns.js';
import {
  h, busy, clauseList, confirmButton, facts, field, fieldError, money, notice, select, userErrors, CONDITIONS, REASONS,
} from '/shared/ui.js';

const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const RECEIVABLE = new Set(['APPROVED', 'IN_TRANSIT']);
// Statuses whose package has no approved request: it is an unknown package (REQ-FIRST)
const NOT_EXPECTED = {
  REQUESTED: 'is still being checked and not approved yet',
  UNDER_REVIEW: 'is waiting for customer service’s review and not approved yet',
  DECLINED: 'was declined',
  CANCELED: 'was canceled by the customer or customer service',
  EXPIRED: 'expired before it was shipped',
};

function scanForm(ctx, term = '') {
  const input = h('input', { type: 'text', name: 'scan', value: term, autocomplete: 'off', autofocus: true, inputmode: 'text' });
  const form = h('form', { class: 'card' },
    h('div', { class: 'row' }, h('div', { class: 'grow' }, field('Tracking number or RMA', input, 'Scan the label or type it; RMA- and spaces are optional')),
      h('button', { type: 'submit' }, 'Find')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) ctx.go(`#/scan/${encodeURIComponent(input.value.trim())}`);
  });
  queueMicrotask(() => input.focus());
  return form;
}

const squeeze = (text) => text.toUpperCase().replace(/[\s-]+/g, '').replace(/^RMA/, '');

/** Edit distance (insertions, deletions, substitutions, and swaps of neighbours: a typist's slips). */
function distance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

async function find(ctx, term) {
  const byTracking = (await ctx.gql(FIND_BY_TRACKING, { trackingNumber: term })).returnsByTrackingNumber;
  if (byTracking.length) return byTracking;
  const ret = (await ctx.gql(RETURN, { id: rmaOf(term) })).return;
  return ret ? [ret] : [];
}

/** Returns the warehouse expects a package for whose RMA or tracking number is a slip away from `term`. */
async function closeMatches(ctx, term) {
  const typed = squeeze(term);
  const pages = await Promise.all(['APPROVED', 'IN_TRANSIT'].map((status) => ctx.gql(EXPECTED_PACKAGES, { status })));
  const expected = pages.flatMap((page) => page.returns.edges.map((edge) => edge.node));
  const slack = Math.max(1, Math.min(3, Math.floor(typed.length / 6)));
  return expected.map((ret) => {
    const near = [[ret.id, squeeze(ret.id)], [ret.trackingNumber, ret.trackingNumber && squeeze(ret.trackingNumber)]]
      .filter(([, key]) => key).map(([shown, key]) => ({ shown, far: distance(typed, key) })).sort((a, b) => a.far - b.far)[0];
    return { ret, ...near };
  }).filter((match) => match.far <= slack).sort((a, b) => a.far - b.far).slice(0, 5);
}

/** Where a field's error goes: the API's field path ends in the input field's name. */
const showErrors = (errors, controls, message) => {
  const loose = errors.filter((e) => {
    const control = controls[e.field?.filter((part) => !/^\d+$/.test(part)).at(-1)];
    if (control) fieldError(control, e.message);
    return !control;
  });
  message.replaceChildren(loose.length ? userErrors(loose) : '');
  Object.values(controls).find((control) => control.getAttribute('aria-invalid'))?.focus();
};

/**
 * REQ-FIRST: refuse the package and record for customer service what is on it (all optional: the
 * sender as the label names them, the carrier's label, a note, photos), after asking; never offered again.
 */
function refuseForm(ctx, scanned, what) {
  const input = (name, max, attrs = {}) => h('input', { type: 'text', name, maxlength: String(max), autocomplete: 'off', ...attrs });
  const controls = {
    senderName: input('senderName', 500), senderAddress: h('textarea', { name: 'senderAddress', rows: '3', maxlength: '500' }),
    carrier: input('carrier', 40), trackingNumber: input('trackingNumber', 64), note: h('textarea', { name: 'note', rows: '2', maxlength: '500' }),
  };
  const pictures = photoPicker('package-photos', 'Photos of the package (optional)',
    async (type) => (await ctx.gql(PACKAGE_PHOTO_UPLOAD, { contentType: type })).packagePhotoUpload);
  controls.photoIds = pictures.input;
  const message = h('div');
  const attempt = crypto.randomUUID(); // one record per refusal, however often "yes" is pressed
  const text = (control) => control.value.trim() || null;
  const button = confirmButton('Refuse and record for customer service', {
    question: `Refuse ${what} and record it for customer service? The package is not received or refunded; customer service sees it, with what you noted, under "Unknown packages".`,
    yes: 'Yes, refuse and record it', no: 'No, go back',
    action: async () => {
      Object.values(controls).forEach((control) => fieldError(control, ''));
      const answer = await ctx.gql(RECORD_UNKNOWN_PACKAGE, { input: {
        scanned, idempotencyKey: attempt, senderName: text(controls.senderName), senderAddress: text(controls.senderAddress),
        carrier: text(controls.carrier), trackingNumber: text(controls.trackingNumber), note: text(controls.note),
        photoIds: pictures.photos.map((photo) => photo.id),
      } }).then((data) => data.recordUnknownPackage, (error) => ({ userErrors: [{ message: error.message }] }));
      if (answer.userErrors.length) { showErrors(answer.userErrors, controls, message); return; }
      location.replace(`#/refused/${encodeURIComponent(scanned)}`); // back and reload do not offer it again
    },
  });
  return h('div', {},
    h('fieldset', {}, h('legend', {}, 'What is on the package (optional; it helps customer service find the sender)'),
      field('Sender’s name', controls.senderName, 'As on the label'),
      field('Sender’s address', controls.senderAddress, 'As on the label, line by line'),
      h('div', { class: 'row' }, h('div', { class: 'grow' }, field('Carrier', controls.carrier, 'USPS, UPS, FedEx…')),
        h('div', { class: 'grow' }, field('Tracking number on the label', controls.trackingNumber, 'If it differs from what you scanned'))),
      field('Note', controls.note, 'What else customer service should know: what is inside, the state of the box'),
      pictures.box),
    button, message);
}

async function scanView(ctx, term) {
  if (!term) return [h('h1', {}, 'Scan a package'), scanForm(ctx)];
  const found = await find(ctx, term);
  if (found.length === 1) { location.replace(`#/return/${encodeURIComponent(found[0].id)}`); return []; }
  if (found.length) {
    return [h('h1', {}, 'Scan a package'), scanForm(ctx, term), h('h2', {}, `Several returns use ${term}`),
      h('ul', {}, found.map((r) => h('li', {}, h('a', { href: `#/return/${encodeURIComponent(r.id)}` }, r.id))))];
  }
  const matches = await closeMatches(ctx, term);
  return [h('h1', {}, 'Scan a package'), scanForm(ctx, term),
    notice(`No return matches “${term}”. Check the number on the label or the note in the package: a digit may be mistyped.`, 'error'),
    matches.length ? h('section', { class: 'card', 'aria-labelledby': 'near-title' },
      h('h2', { id: 'near-title' }, 'Did you mean'),
      h('ul', {}, matches.map(({ ret, shown }) => h('li', {},
        h('a', { href: `#/return/${encodeURIComponent(ret.id)}` }, shown), ` (${ret.id}, order ${ret.order.id})`)))) : null,
    h('section', { class: 'card', 'aria-labelledby': 'refuse-title' },
      h('h2', { id: 'refuse-title' }, 'Still no match?'),
      h('p', {}, 'A package without an approved return request is not received: refuse it and record it, so customer service can find its sender. ',
        h('small', { class: 'ref' }, '(REQ-FIRST)')),
      refuseForm(ctx, term, `the package “${term}”`))];
}

function refusedView(ctx, term) {
  return [h('h1', {}, 'Package refused'),
    notice(`“${term}” was refused and recorded for customer service. Set the package aside for them.`, 'success'),
    scanForm(ctx)];
}

// A claim of merchant responsibility is answered on purpose or not at all: unanswered, it stands
// (a defaulted "no" would charge the customer a label fee nobody decided on).
const DEFECT_ANSWERS = { '': 'Not checked (the claim stands)', true: 'Defect confirmed', false: 'No defect found' };

/**
 * Photos (of an item, of a package): each goes straight to the photos bucket with the presigned POST
 * `uploadForm(contentType)` answers; their ids go with the inspection or the refusal.
 */
function photoPicker(name, label, uploadForm) {
  const photos = [];
  const input = h('input', { type: 'file', name, accept: PHOTO_TYPES.join(','), multiple: true, capture: 'environment' });
  const list = h('ul', { class: 'plain small', 'aria-live': 'polite' });
  async function upload(file) {
    if (!PHOTO_TYPES.includes(file.type)) throw new Error(`${file.name} is not a JPEG, PNG or WebP picture.`);
    const answer = await uploadForm(file.type);
    if (answer.userErrors.length) throw new Error(answer.userErrors.map((e) => e.message).join(' '));
    const { upload: form } = answer;
    if (file.size > form.maxBytes) throw new Error(`${file.name} is larger than ${Math.round(form.maxBytes / 1048576)} MB.`);
    const body = new FormData();
    form.fields.forEach(({ name: fieldName, value }) => body.append(fieldName, value));
    body.append('file', file);
    const response = await fetch(form.url, { method: 'POST', body });
    if (!response.ok) throw new Error(`${file.name} was not stored (${response.status}); add it again.`);
    const entry = { id: form.photoId, name: file.name };
    photos.push(entry);
    const remove = h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${file.name}` }, 'Remove');
    const item = h('li', {}, `${file.name} (${Math.ceil(file.size / 1024)} kB) added `, remove);
    remove.addEventListener('click', () => { photos.splice(photos.indexOf(entry), 1); item.remove(); input.focus(); });
    list.append(item);
  }
  input.addEventListener('change', async (event) => {
    event.stopPropagation(); // photos do not change the refund: no new preview
    fieldError(input, '');
    for (const file of [...input.files]) {
      try { await upload(file); } catch (error) { fieldError(input, error.message); }
    }
    input.value = '';
  });
  return { photos, input, box: [field(label, input, 'JPEG, PNG or WebP, up to 10 MB each'), list] };
}

function inspectionForm(ctx, ret, claimReasons) {
  const checks = ret.lines.map((line) => {
    const title = lineTitle(ret, line.orderLineId);
    const ordered = orderLine(ret, line.orderLineId);
    const condition = select({ '': 'Choose what you found…', ...CONDITIONS }, '', { name: `condition-${line.orderLineId}` });
    // only a merchant-responsibility reason (the policy's list) makes a claim to confirm or refute
    const defect = claimReasons.has(line.reason) ? select(DEFECT_ANSWERS, '', { name: `defect-${line.orderLineId}` }) : null;
    const note = h('textarea', { name: `note-${line.orderLineId}`, rows: '2', maxlength: '500' });
    const pictures = photoPicker(`photos-${line.orderLineId}`, `Photos of ${title} (optional)`, async (contentType) =>
      (await ctx.gql(INSPECTION_PHOTO_UPLOAD, { id: ret.id, orderLineId: line.orderLineId, contentType })).inspectionPhotoUpload);
    return {
      line, title, condition, defect, note, photos: pictures.photos,
      box: h('fieldset', {}, h('legend', {}, `${title} × ${line.quantity}`),
        facts([['SKU', ordered?.sku || '–'], ['Reason given', REASONS[line.reason] || line.reason]]), lineNote(line),
        field('Condition', condition, line.reason === 'WRONG_ITEM'
          ? 'The customer says we sent the wrong item: if the item we sent is in the package, answer the claim below. "Another item than the one ordered" is for a package holding something else.'
          : null),
        defect ? field('Claimed defect', defect, 'Confirmed: accepted whatever its condition. Refuted on every claim: the ordinary label fee applies.') : null,
        field('What you saw (optional)', note, 'The customer and customer service read this beside the item.'),
        pictures.box),
    };
  });
  const lines = () => checks.map((c) => ({
    orderLineId: c.line.orderLineId, condition: c.condition.value,
    ...(c.defect && c.defect.value ? { defectConfirmed: c.defect.value === 'true' } : {}),
    ...(c.note.value.trim() ? { note: c.note.value.trim() } : {}),
    ...(c.photos.length ? { photoIds: c.photos.map((photo) => photo.id) } : {}),
  }));
  const preview = h('div', { 'aria-live': 'polite', id: 'preview' });
  const message = h('div');
  const commit = h('button', { type: 'submit' }, 'Confirm the inspection');
  const form = h('form', { novalidate: true }, h('h2', {}, 'Inspect'), checks.map((c) => c.box),
    h('section', { class: 'card', 'aria-labelledby': 'preview-title' }, h('h2', { id: 'preview-title' }, 'Refund preview'), preview),
    message, commit);
  const unchosen = () => checks.filter((c) => !c.condition.value);
  let ticket = 0;
  async function refreshPreview() {
    const mine = ++ticket;
    if (unchosen().length) {
      preview.replaceChildren(h('p', { class: 'muted' }, `Choose a condition for every item to see the refund (${unchosen().length} left).`));
      return;
    }
    const answer = (await ctx.gql(INSPECTION_PREVIEW, { id: ret.id, lines: lines().map(({ note, photoIds, ...rest }) => rest) })).inspectionPreview;
    if (mine !== ticket) return;
    if (answer.userErrors.length) { preview.replaceChildren(userErrors(answer.userErrors)); return; }
    const s = answer.settlement;
    const accepted = new Set(s.acceptedLineIds);
    preview.replaceChildren(
      h('p', {}, 'Refund: ', h('strong', { 'data-testid': 'preview-amount' }, money(s.amount)),
        ` · label fee ${money(s.labelFee)} · return shipping credit ${money(s.shippingCredit)}`),
      h('ul', {}, checks.map((c) => h('li', {}, c.title, ': ', CONDITIONS[c.condition.value],
        c.defect ? ` · ${c.defect.value === '' ? 'claim not checked' : c.defect.value === 'true' ? 'defect confirmed' : 'no defect found'}` : '',
        ' · ', accepted.has(c.line.orderLineId) ? h('span', { class: 'ok' }, 'accepted') : h('span', { class: 'bad' }, 'not accepted')))),
      clauseList(s.appliedClauses));
  }
  form.addEventListener('change', (event) => {
    const check = checks.find((c) => c.condition === event.target);
    if (check) fieldError(check.condition, '');
    refreshPreview().catch((e) => preview.replaceChildren(notice(e.message, 'error')));
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    message.replaceChildren();
    const missing = unchosen();
    missing.forEach((c) => fieldError(c.condition, `Choose what you found for “${c.title}”.`));
    if (missing.length) { missing[0].condition.focus(); return; }
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
  const unexpected = NOT_EXPECTED[ret.status];
  return [
    returnHeading(ret, 'warehouse'),
    h('p', {}, `Customer ${ret.order.email}`, ret.trackingNumber ? ` · tracking ${ret.trackingNumber}` : ''),
    message,
    RECEIVABLE.has(ret.status) ? h('p', {}, receive) : null,
    unexpected ? h('section', { class: 'card', 'aria-labelledby': 'unknown-title' },
      h('h2', { id: 'unknown-title' }, 'Do not receive this package'),
      h('p', {}, `Return ${ret.id} ${unexpected}: a package for it has no approved return request, so it is an unknown package. `
        + 'Refuse it and record it for customer service; they contact the customer. ', h('small', { class: 'ref' }, '(REQ-FIRST)')),
      refuseForm(ctx, ret.id, `the package for ${ret.id}`)) : null,
    ret.status === 'RECEIVED' ? inspectionForm(ctx, ret, await merchantReasons(ctx)) : itemsCard(ret, 'warehouse'),
    ret.settlement ? h('p', {}, 'Refund after inspection: ', h('strong', {}, money(ret.settlement.amount))) : null,
    timelineCard(ret, 'warehouse'),
    h('p', {}, h('a', { href: '#/scan' }, 'Scan the next package')),
  ];
}

startApp({
  app: 'warehouse', role: 'warehouse', title: 'Warehouse', home: '#/scan',
  nav: [['#/scan', 'Scan']],
  routes: [[/^#\/scan(?:\/(.+))?$/, scanView], [/^#\/refused\/(.+)$/, refusedView], [/^#\/return\/([^/]+)$/, returnView]],
});
