// Counted words by the CLDR plural rules (Intl.PluralRules), one rule for every output in either language:
// 1 находка, 2 находки, 5 находок, 21 находка, 1,5 находки; 1 finding, 2 findings.
export type PluralForms = { one: string; few?: string; many?: string; other?: string };

const RULES = { en: new Intl.PluralRules('en-US'), ru: new Intl.PluralRules('ru-RU') };

/** The form of the word for n: Russian has one, few, many (and other, for fractions); English one and other. */
export function pluralForm(n: number, lang: 'en' | 'ru', forms: PluralForms): string {
  const category = RULES[lang].select(n);
  const word = forms[category as keyof PluralForms] ?? (category === 'other' ? forms.few : undefined) ?? forms.other ?? forms.many ?? forms.one;
  return word;
}

/** n and its word: `count(34, 'ru', { one: 'находка', few: 'находки', many: 'находок' })` → "34 находки". */
export function count(n: number, lang: 'en' | 'ru', forms: PluralForms): string {
  return `${n.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-US')} ${pluralForm(n, lang, forms)}`;
}

/** The words counted most often, declined once here. */
export const ROWS_RU: PluralForms = { one: 'строка', few: 'строки', many: 'строк' };
/** After "из": из 1 строки, из 2 строк, из 5 строк. */
export const ROWS_OF_RU: PluralForms = { one: 'строки', few: 'строк', many: 'строк', other: 'строки' };
export const FINDINGS_RU: PluralForms = { one: 'находка', few: 'находки', many: 'находок' };
