// A generated dataset on which every report is valid, with rows: one source, one currency (RUB), every table dense
// enough for the time window (≥ 5 rows a month, ad spend ≥ 5 a day), every stage, channel and status mapped, every
// reference resolved, no twins, no outlier, no record dominating a total. The mutation suite (mutations.heavy.test.ts)
// breaks it one fault at a time. Period: August–October 2026, as of 2026-11-15; data from June to 2026-11-14.
import type { Db } from '../../src/db/database.js';
import { lit } from '../../src/db/sql.js';
import { sqlType } from '../../src/model/ddl.js';
import { fieldsOf, type EntityName } from '../../src/model/tables.js';

export const CLEAN_PERIOD = { from: '2026-08-01', to: '2026-10-31', asOf: '2026-11-15' };
export const SOURCE = 'crm';

type Rec = Record<string, string | number | null>;

/** One INSERT per table (the rule tester's insertRows does one per row: too slow for a few thousand rows). */
export async function bulkInsert(db: Db, entity: EntityName, rows: Rec[]): Promise<void> {
  if (!rows.length) return;
  const fields = fieldsOf(entity);
  const cols = ['source', 'source_id', 'import_id', ...Object.keys(fields).filter((f) => rows.some((r) => f in r))];
  const type = (c: string) => (c in fields ? sqlType(fields[c].type) : c === 'import_id' ? 'BIGINT' : 'VARCHAR');
  const value = (r: Rec, c: string) => {
    const v = c === 'source' ? (r.source ?? SOURCE) : c === 'import_id' ? (r.import_id ?? 0) : r[c];
    return v === null || v === undefined ? 'NULL' : `CAST(${typeof v === 'number' ? v : lit(v)} AS ${type(c)})`;
  };
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await db.run(`INSERT INTO ${entity} (${cols.join(', ')}) VALUES ${chunk.map((r) => `(${cols.map((c) => value(r, c)).join(', ')})`).join(',\n')}`);
  }
}

const START = Date.UTC(2026, 5, 1); // 2026-06-01
const LAST = Date.UTC(2026, 10, 12); // nothing happens after 2026-11-12
const DAY = 86_400_000;
const ts = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const OWNERS = ['Anna', 'Boris', 'Vera'];
const CHANNELS = ['Авито', 'Сайт', 'Яндекс.Директ'];
const FIRST = ['Иван', 'Мария', 'Пётр', 'Ольга', 'Сергей', 'Анна', 'Дмитрий', 'Елена', 'Алексей', 'Наталья', 'Михаил'];
const LAST_NAMES = ['Смирнов', 'Кузнецова', 'Попов', 'Васильева', 'Соколов', 'Морозова', 'Волков', 'Лебедева', 'Козлов', 'Новикова', 'Орлов', 'Зайцева', 'Павлов'];
const phone = (i: number) => `+7 916 ${String(200 + ((i * 37) % 700)).padStart(3, '0')}-${String(10 + ((i * 53) % 89)).padStart(2, '0')}-${String(10 + ((i * 71) % 89)).padStart(2, '0')}`;

/** The rows of each table, in the order they load (what a row refers to loads first). */
export type CleanData = Record<'products' | 'contacts' | 'companies' | 'deals' | 'deal_stage_history' | 'deal_items' | 'touches' | 'invoices' | 'payments' | 'leads' | 'activities' | 'transactions' | 'ad_spend', Rec[]>;

export function cleanData(): CleanData {
  const d: CleanData = { products: [], contacts: [], companies: [], deals: [], deal_stage_history: [], deal_items: [], touches: [], invoices: [], payments: [], leads: [], activities: [], transactions: [], ad_spend: [] };
  const catalogue: [string, string, string, number][] = [['P0', 'Монтаж', 'услуги', 5000], ['P1', 'Сервис', 'подписка', 20000], ['P2', 'Станок', 'оборудование', 150000]];
  for (const [id, name, type, price] of catalogue) d.products.push({ source_id: id, name, sku: `SKU-${id}`, type, price, currency: 'RUB' });
  for (let i = 0; i < 5; i++) {
    d.contacts.push({ source_id: `c${i}`, full_name: `${FIRST[i]} ${LAST_NAMES[i]}`, first_name: FIRST[i], last_name: LAST_NAMES[i], email: `client${i + 11}@mail.ru`, phone: phone(i + 500), owner: OWNERS[i % 3], created_at: ts(START + i * DAY) });
  }
  for (let i = 0; i < 3; i++) d.companies.push({ source_id: `co${i}`, name: `ООО Ромашка ${i + 1}`, owner: OWNERS[i], created_at: ts(START + i * DAY) });

  // Deals: one a day from June 1st; by i % 5 won, won, lost, open, open; the stage history as the CRM would record it.
  for (let i = 0; i < 162; i++) {
    const created = START + i * DAY + 10 * 3_600_000 + (i % 7) * 60_000;
    const amount = 50_000 + ((i * 37) % 100) * 1000 + i;
    let kind = ['won', 'won', 'lost', 'open', 'open'][i % 5];
    if (kind !== 'open' && created + 10 * DAY > LAST) kind = 'open';
    const h = (stage: string, at: number, k: number) => d.deal_stage_history.push({ source_id: `h${i}-${k}`, deal_id: `d${i}`, stage, entered_at: ts(at), owner: OWNERS[i % 3] });
    h('Новая', created, 0);
    let stage = 'Новая';
    let closed: number | null = null;
    if (kind === 'won') {
      h('Подготовка документов', created + 2 * DAY, 1);
      h('В работе', created + 5 * DAY, 2);
      closed = created + 10 * DAY;
      h('Сделка успешна', closed, 3);
      stage = 'Сделка успешна';
    } else if (kind === 'lost') {
      h('В работе', created + 3 * DAY, 1);
      closed = created + 8 * DAY;
      h('Сделка провалена', closed, 2);
      stage = 'Сделка провалена';
    } else if (created + 4 * DAY <= LAST) {
      h('В работе', created + 4 * DAY, 1);
      stage = 'В работе';
    }
    d.deals.push({
      source_id: `d${i}`, title: `Сделка ${i}`, amount, currency: 'RUB', stage, pipeline: 'Продажи', status: kind, owner: OWNERS[i % 3], channel: CHANNELS[i % 3],
      company_name: `Клиент ${i}`, created_at: ts(created), closed_at: closed === null ? null : ts(closed), expected_close_at: ts(created + 30 * DAY),
      lost_reason: kind === 'lost' ? 'цена' : null,
    });
    const [pid, , , price] = catalogue[i % 3];
    const q = 1 + (i % 3);
    d.deal_items.push({ source_id: `i${i}`, deal_id: `d${i}`, product_id: pid, quantity: q, price, amount: q * price, currency: 'RUB' });
    if (kind === 'won') {
      d.touches.push({ source_id: `t${i}a`, deal_id: `d${i}`, touched_at: ts(created - 3 * DAY), channel: CHANNELS[i % 3] });
      d.touches.push({ source_id: `t${i}b`, deal_id: `d${i}`, touched_at: ts(created + DAY), channel: CHANNELS[(i + 2) % 3] });
      // An invoice on the win; two in three paid in full a week later, the rest half paid: open balances in every bucket.
      const issued = closed!;
      d.invoices.push({ source_id: `inv${i}`, number: `INV-${i}`, deal_id: `d${i}`, issued_at: date(issued), due_at: date(issued + 14 * DAY), amount, currency: 'RUB', owner: OWNERS[i % 3] });
      const paidAt = Math.min(issued + 7 * DAY, LAST);
      d.payments.push({ source_id: `pay${i}`, invoice_id: `inv${i}`, paid_at: date(paidAt), amount: i % 3 === 2 ? Math.round(amount / 2) : amount, currency: 'RUB', method: 'bank' });
    }
  }

  // Every day: a lead, a held call, an e-mail, a task, and an inbound request on an existing deal answered by that call.
  for (let day = 0; START + day * DAY <= LAST; day++) {
    const at = START + day * DAY;
    const deal = `d${Math.max(0, day - 3)}`;
    const owner = OWNERS[day % 3];
    d.leads.push({
      source_id: `l${day}`, full_name: `${FIRST[day % FIRST.length]} ${LAST_NAMES[day % LAST_NAMES.length]}`, phone: phone(day), owner, created_at: ts(at + 9 * 3_600_000 + (day % 11) * 60_000),
      status: ['В работе', 'Качественный лид', 'Некачественный лид', 'В работе'][day % 4], channel: CHANNELS[(day + 1) % 3],
    });
    d.activities.push({ source_id: `in${day}`, type: day % 2 ? 'email' : 'call', direction: 'in', status: 'done', owner, created_at: ts(at + 9 * 3_600_000), done_at: ts(at + 9 * 3_600_000 + 20 * 60_000), deal_id: deal, channel: day % 2 ? 'form' : 'phone' });
    d.activities.push({ source_id: `call${day}`, type: 'call', direction: 'out', status: 'done', owner, created_at: ts(at + 11 * 3_600_000), done_at: ts(at + 11 * 3_600_000 + 5 * 60_000), duration_sec: 120 + (day % 9) * 30, outcome: day % 4 ? 'успешно' : 'нет ответа', deal_id: deal });
    d.activities.push({ source_id: `mail${day}`, type: 'email', direction: 'out', status: ['delivered', 'opened', 'answered'][day % 3], owner, created_at: ts(at + 12 * 3_600_000), deal_id: deal });
    d.activities.push({ source_id: `task${day}`, type: 'task', owner, created_at: ts(at + 8 * 3_600_000), due_at: ts(at + 2 * DAY), done_at: day % 6 ? ts(at + DAY) : null, deal_id: deal });
    d.transactions.push({ source_id: `tx${day}`, date: date(at), direction: 'income', category: 'Продажи', amount: 40_000 + day * 10, currency: 'RUB' });
    if (day % 2 === 0) d.transactions.push({ source_id: `tx${day}e`, date: date(at), direction: 'expense', category: ['Реклама', 'Зарплата'][day % 4 === 0 ? 0 : 1], amount: 15_000 + day * 5, currency: 'RUB' });
  }
  // Ad spend: five campaigns a day through the as-of date's eve.
  const campaigns: [string, string][] = [['Авито', 'A'], ['Авито', 'B'], ['Яндекс.Директ', 'A'], ['Яндекс.Директ', 'B'], ['Google Ads', 'A']];
  for (let day = 0; START + day * DAY <= Date.UTC(2026, 10, 14); day++) {
    campaigns.forEach(([channel, campaign], k) => d.ad_spend.push({ source_id: `ad${day}-${k}`, date: date(START + day * DAY), channel, campaign, amount: 1000 + (day % 10) * 10 + k, currency: 'RUB' }));
  }
  return d;
}

export async function loadCleanDataset(db: Db): Promise<void> {
  for (const [table, rows] of Object.entries(cleanData())) await bulkInsert(db, table as EntityName, rows);
}
