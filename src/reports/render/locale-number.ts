// n.toLocaleString(locale, options) with each formatter made once: toLocaleString builds a new Intl.NumberFormat on
// every call (about 20 µs; a report's messages and cells call it hundreds of times). The same text, by definition.
const formats = new Map<string, Intl.NumberFormat>();

export function localeNumber(n: number, locale: string, options?: Intl.NumberFormatOptions): string {
  const key = `${locale} ${JSON.stringify(options ?? {})}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f.format(n);
}
