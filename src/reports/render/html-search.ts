// The search box of the HTML report: which reports a query matches, by title, id and table cells. A pure function with
// no imports and no outside names, so reports-html.ts inlines its very source into the page (no external script,
// no network) and the tests run the same code the browser runs.

/** A report as the search sees it: its id and its text (id, title, table cells; the page collects it). */
export interface Searchable {
  id: string;
  text: string;
}

/**
 * The ids of the reports whose text holds every word of the query, in any case, ё as е, any spacing (a non-breaking
 * space inside 4 432 004,03 too); an empty query matches every report.
 */
export function matchingReports(query: string, reports: Searchable[]): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/ё/g, 'е').replace(/[\s\u00a0\u202f]+/g, ' ');
  const words = norm(query).split(' ').filter((w) => w !== '');
  return reports.filter((r) => words.every((w) => norm(r.text).includes(w))).map((r) => r.id);
}

/**
 * The page's script: gathers each report section's text, and on every keystroke hides the sections and contents
 * entries the query does not match (the status filter, in CSS, still applies on top). The box stays hidden without script.
 */
export const SEARCH_SCRIPT = `(() => {
const matchingReports = ${matchingReports.toString()};
const box = document.getElementById('search');
const found = document.getElementById('search-found');
const sections = [...document.querySelectorAll('main section')];
const reports = sections.map((s) => ({ id: s.id, text: [s.id, s.querySelector('h2').textContent, ...[...s.querySelectorAll('table:not(.checks) th, table:not(.checks) td')].map((c) => c.textContent)].join('\\n') }));
const entries = [...document.querySelectorAll('nav li')];
const show = () => {
  const hit = new Set(matchingReports(box.value, reports));
  for (const s of sections) s.hidden = !hit.has(s.id);
  for (const li of entries) li.hidden = !hit.has(li.querySelector('a').getAttribute('href').slice(1));
  found.textContent = box.value.trim() ? hit.size + ' / ' + reports.length : '';
};
box.parentElement.hidden = false;
box.addEventListener('input', show);
show();
})();`;
