// JSON text → values without a silently different number. JSON.parse turns an id past 2^53 into a neighbour's id
// (12345678901234567891 → 12345678901234567000) and 1e309 into Infinity; such a number is kept as its text instead
// (an id stays exact; an amount is then "unparsed", kept raw in extra and reported). lossless-json reads the file
// only when it has a number literal that could be one (16+ digits, a 3-digit exponent); else JSON.parse, as fast as before.
import { isSafeNumber, parse } from 'lossless-json';

const MAYBE_UNSAFE = /\d[\d.]{15,}|\d[eE][+-]?\d{3,}/;

export function parseJsonText(text: string): unknown {
  if (!MAYBE_UNSAFE.test(text)) return JSON.parse(text);
  return parse(text, null, (t) => (isSafeNumber(t) ? Number(t) : t));
}
