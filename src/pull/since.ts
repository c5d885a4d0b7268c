import { CrmqError } from '../errors.js';

/** --since: YYYY-MM-DD or DD.MM.YYYY (midnight UTC), or an ISO date-time. */
export function parseSince(v: string, label = '--since'): Date {
  const ru = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(v);
  const iso = ru ? `${ru[3]}-${ru[2]}-${ru[1]}` : v;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso) || Number.isNaN(d.getTime())) throw new CrmqError(`${label}: "${v}" is not a date (YYYY-MM-DD, DD.MM.YYYY or an ISO date-time)`);
  return d;
}
