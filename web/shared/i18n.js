// The customer's language on the pages: which one, its catalogue, and CLDR formats through Intl.
// Catalogues are web/shared/locales/<language>.json, made by `make translations` from the same gettext
// catalogues as the emails' (translations/web/*.po): { language, messages: { msgid: text | {one, other…} } }.
// English is the source language: it needs no catalogue, and a message a catalogue lacks stays English.

export const LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'ja'];
// Each language by its own name (the switcher's options: a reader finds their language whatever the page speaks).
export const LANGUAGE_NAMES = { en: 'English', fr: 'Français', de: 'Deutsch', es: 'Español', it: 'Italiano', ja: '日本語' };

/** Marks a string for extraction (`make translations`) where it is defined; translate it where shown. */
export const N_ = (text) => text;

// Shown once beside translated policy explanations, with a link to the English text (the binding one).
// Translators: a date and time in UTC, e.g. "Dec 6, 2026, 1:11 PM UTC" ({moment} is formatted by the language).
const IN_UTC = N_('{moment} UTC');

export const BINDING_NOTE = N_('These explanations of our return policy are a translation: the English text is the binding version.');

/** The first of the customer's choice, then the browser's languages (`navigator.languages`), that we have. */
export function pickLanguage(choice, browserLanguages = []) {
  for (const tag of [choice, ...browserLanguages]) {
    const language = String(tag || '').toLowerCase().split(/[-_]/)[0];
    if (LANGUAGES.includes(language)) return language;
  }
  return 'en';
}

/** The customer's own choice, kept in this browser (localStorage: a language is no secret and outlives the tab). */
const CHOICE_KEY = 'returns.language';
export function chosenLanguage() {
  try { return localStorage.getItem(CHOICE_KEY); } catch { return null; } // storage off: the browser's languages
}
export function chooseLanguage(language) {
  try { localStorage.setItem(CHOICE_KEY, language); } catch { /* kept for this page only */ }
}

const fill = (text, values = {}) => text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));

export class Catalogue {
  constructor(language = 'en', messages = {}) {
    this.language = language;
    this.messages = messages;
    this.plurals = new Intl.PluralRules(language);
  }

  /** A message with its {placeholders} filled: t('Return {rma} canceled', { rma }). */
  t(msgid, values) {
    const text = this.messages[msgid];
    return fill(typeof text === 'string' ? text : msgid, values);
  }

  /** A message whose placeholders may be elements (a link, emphasis): its parts in the translation's order, for
   *  h(); the text between two elements is one string (one text node, as a sentence reads). */
  tx(msgid, values = {}) {
    const text = this.messages[msgid];
    const parts = (typeof text === 'string' ? text : msgid).split(/(\{\w+\})/).filter(Boolean)
      .map((part) => { const name = part.match(/^\{(\w+)\}$/)?.[1]; return name && name in values ? values[name] : part; });
    return parts.reduce((joined, part) => {
      const last = joined.length - 1;
      if (typeof part !== 'object' && last >= 0 && typeof joined[last] !== 'object') joined[last] = `${joined[last]}${part}`;
      else joined.push(part);
      return joined;
    }, []);
  }

  /** A plural message, the form chosen by CLDR's rules for `count` (also the {count} placeholder). */
  tn(singular, plural, count, values = {}) {
    const forms = this.messages[singular];
    const category = this.plurals.select(count);
    const text = forms && typeof forms === 'object' ? forms[category] ?? forms.other
      : (new Intl.PluralRules('en').select(count) === 'one' ? singular : plural);
    return fill(text, { count: this.number(count), ...values });
  }

  /** Several items as one phrase, by CLDR (`a, b and c`, `a、b、c`): never a translated "and" glued in. */
  list(items) { return new Intl.ListFormat(this.language, { type: 'conjunction' }).format(items); }

  /** A country by its ISO code, named in the language (`CA`: Canada, カナダ). */
  country(code) {
    try { return new Intl.DisplayNames([this.language], { type: 'region' }).of(code) || code; } catch { return code; }
  }

  /** Whole sentences side by side: a space between them, none in Japanese (。 ends a sentence). */
  sentences(texts) { return texts.filter(Boolean).join(this.language === 'ja' ? '' : ' '); }

  number(value) { return new Intl.NumberFormat(this.language).format(value); }

  /** Money is exact on the wire (a decimal string): Intl formats the string itself, never a float. Grouping
   * always, as Babel writes the emails (it ignores CLDR's minimumGroupingDigits: es, it `1.234,50 €`). */
  money(m) {
    return m ? new Intl.NumberFormat(this.language, { style: 'currency', currency: m.currencyCode, useGrouping: 'always' })
      .format(m.amount) : '–';
  }

  /** A calendar day in the language's medium format, in UTC as the emails write it. */
  day(iso) {
    return iso ? new Intl.DateTimeFormat(this.language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso)) : '–';
  }

  /** A moment: medium date, short time, in UTC and named so. The emails (written on a server that knows no
   *  reader's zone) state their days in UTC and the policy counts its deadlines there: a time in the browser's
   *  zone could fall on another day than the email's, and the page's own days, for the same event. */
  moment(iso) {
    if (!iso) return '–';
    const moment = new Intl.DateTimeFormat(this.language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    return this.t(IN_UTC, { moment: moment.format(new Date(iso)) });
  }
}

/** The catalogue of a language (English: none to fetch). A catalogue that cannot load leaves the page English. */
export async function loadCatalogue(language, base = new URL('./locales/', import.meta.url)) {
  if (!LANGUAGES.includes(language) || language === 'en') return new Catalogue('en');
  try {
    const response = await fetch(new URL(`${language}.json`, base));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    return new Catalogue(language, body.messages);
  } catch {
    return new Catalogue('en');
  }
}

// The catalogue the pages speak now: English until the portal picks the customer's language (the staff
// pages never do). Shared modules translate through these, when they render.
let active = new Catalogue('en');

/** Speaks `catalogue` from now on: t(), tn(), tx() and the formats, and the document's lang. */
export function useCatalogue(catalogue) {
  active = catalogue;
  document.documentElement.lang = catalogue.language;
}
export const speaking = () => active;
export const t = (msgid, values) => active.t(msgid, values);
export const tn = (singular, plural, count, values) => active.tn(singular, plural, count, values);
export const tx = (msgid, values) => active.tx(msgid, values);
