// What the pseudo-locale run (test_browser_languages.py) checks in the page. Plain JavaScript, read by the
// test: `collectApiStrings` runs before the page's own scripts, the two checks once a page has settled.

/** Keeps every string the API (or the local sign-in) answers, except `message`: the service's refusals and
 *  reasons are English, and the portal words those itself. Never the catalogues themselves. */
function collectApiStrings() {
  window.__api = new Set();
  const collect = (value, key) => {
    if (typeof value === 'string') {
      if (key !== 'message') window.__api.add(value);
    } else if (value && typeof value === 'object') {
      for (const [name, inner] of Object.entries(value)) collect(inner, Array.isArray(value) ? key : name);
    }
  };
  const fetched = window.fetch;
  window.fetch = async (...args) => {
    const response = await fetched(...args);
    if (!String(args[0]).includes('/locales/')) {
      response.clone().json().then((body) => collect(body, null)).catch(() => {});
    }
    return response;
  };
}

/** English on screen: the text left once the translated messages (⟦…⟧, innermost first), the API's values
 *  and clause ids are taken away. The switcher names each language in its own words; the signed-in address
 *  and the English policy (lang="en") are the customer's own and the binding English. */
function untranslated() {
  const values = [...window.__api].filter((text) => /[A-Za-z]{2}/.test(text)).sort((a, b) => b.length - a.length);
  const rest = (text) => {
    let left = text;
    for (let before = null; before !== left;) {
      before = left;
      left = left.replace(/⟦[^⟦⟧]*⟧/g, ' ');
    }
    // a message with an element inside (tx: a link) is split around it: ⟦…text ⟨a⟩ text…⟧
    left = left.replace(/⟦[^⟦⟧]*$/, ' ').replace(/^[^⟦⟧]*⟧/, ' ');
    for (const value of values) left = left.split(value).join(' ');
    return left.replace(/\([A-Z0-9]+(?:-[A-Z0-9]+)*\)/g, ' ');
  };
  const english = (text) => /[A-Za-z]{2,}/.test(rest(text));
  const exempt = (element) => element.closest('script, style, #language, .who, [lang="en"]');
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!exempt(node.parentElement) && english(node.textContent)) found.push(node.textContent.trim());
  }
  const names = ['aria-label', 'alt', 'title', 'placeholder', 'data-label'];
  for (const element of document.body.querySelectorAll(names.map((name) => `[${name}]`).join(', '))) {
    for (const name of names) {
      const value = element.getAttribute(name);
      if (value && !exempt(element) && english(value)) found.push(`${name}="${value}"`);
    }
  }
  if (english(document.title)) found.push(`title: ${document.title}`);
  return found;
}

/** Text wider than the phone, spilling out of its box, or cut off by a box that hides its overflow. */
function overflowing() {
  const width = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width) found.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  const name = (el) => `${el.tagName.toLowerCase()}.${String(el.className).replace(/ /g, '.')}: ${el.textContent.trim().slice(0, 60)}`;
  for (const el of document.body.querySelectorAll('*')) {
    // off screen on purpose: the skip link until focused, a stacked table's header row (phone width)
    if (el.closest('.skip, [hidden], table.stack thead, option') || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 || box.left < -1) found.push(`outside the phone (${Math.round(box.left)}..${Math.round(box.right)}): ${name(el)}`);
    if (style.display !== 'inline' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) found.push(`wider than its box: ${name(el)}`);
    if (['hidden', 'clip'].includes(style.overflowY) && el.scrollHeight > el.clientHeight + 1) found.push(`clipped: ${name(el)}`);
  }
  return found;
}
