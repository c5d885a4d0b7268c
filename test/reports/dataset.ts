// A small hand-built dataset whose report figures were worked out by hand (see the comments in reports.test.ts).
// Period: October 2026; as of 2026-11-15.
import type { Db } from '../../src/db/database.js';
import { insertRows } from '../rules/rule-tester.js';

export const PERIOD = { from: '2026-10-01', to: '2026-10-31', asOf: '2026-11-15' };

export async function loadDataset(db: Db): Promise<void> {
  await insertRows(db, 'deals', [
    { source_id: 'd1', owner: 'Anna', created_at: '2026-10-02 10:00:00', status: 'won', closed_at: '2026-10-12 10:00:00', amount: 1000, currency: 'RUB', stage: 'Сделка успешна', pipeline: 'P', channel: 'Авито' },
    { source_id: 'd2', owner: 'Anna', created_at: '2026-10-03 10:00:00', status: 'lost', closed_at: '2026-10-20 10:00:00', amount: 500, currency: 'RUB', stage: 'Сделка провалена', pipeline: 'P', lost_reason: 'цена', channel: 'Сайт' },
    { source_id: 'd3', owner: 'Boris', created_at: '2026-10-05 10:00:00', status: 'won', closed_at: '2026-10-25 10:00:00', amount: 3000, currency: 'RUB', stage: 'Сделка успешна', pipeline: 'P', channel: 'Авито' },
    { source_id: 'd4', owner: 'Boris', created_at: '2026-10-06 10:00:00', status: 'open', amount: 2000, currency: 'RUB', stage: 'В работе', pipeline: 'P', expected_close_at: '2026-10-30 00:00:00' },
    { source_id: 'd5', owner: 'Boris', created_at: '2026-09-01 10:00:00', status: 'open', amount: 100000, currency: 'RUB', stage: 'Новая', pipeline: 'P', expected_close_at: '2026-12-15 00:00:00' },
    { source_id: 'd6', owner: 'Anna', created_at: '2026-10-07 10:00:00', status: 'won', closed_at: '2026-10-08 10:00:00', amount: 200, currency: 'EUR', stage: 'Сделка успешна', pipeline: 'P' },
  ]);
  const h = (deal: string, rows: [string, string][]) => rows.map(([stage, at], i) => ({ source_id: `${deal}-${i}`, deal_id: deal, stage, entered_at: at }));
  await insertRows(db, 'deal_stage_history', [
    ...h('d1', [['Новая', '2026-10-02 10:00:00'], ['В работе', '2026-10-05 10:00:00'], ['Сделка успешна', '2026-10-12 10:00:00']]),
    ...h('d2', [['Новая', '2026-10-03 10:00:00'], ['В работе', '2026-10-06 10:00:00'], ['Новая', '2026-10-08 10:00:00'], ['Сделка провалена', '2026-10-20 10:00:00']]),
    ...h('d3', [['Новая', '2026-10-05 10:00:00'], ['Подготовка документов', '2026-10-06 10:00:00'], ['Подготовка документов', '2026-10-07 10:00:00'], ['В работе', '2026-10-10 10:00:00'], ['Сделка успешна', '2026-10-25 10:00:00']]),
    ...h('d4', [['Новая', '2026-10-06 10:00:00'], ['В работе', '2026-10-09 10:00:00']]),
  ]);
  await insertRows(db, 'leads', [
    { source_id: 'l1', owner: 'Anna', created_at: '2026-10-01 09:00:00', status: 'В работе', channel: 'Авито' },
    { source_id: 'l2', owner: 'Boris', created_at: '2026-10-02 09:00:00', status: 'Не обработан', channel: 'Сайт' },
    { source_id: 'l3', owner: 'Anna', created_at: '2026-10-10 09:00:00', status: 'Качественный лид', channel: 'Авито' },
  ]);
  await insertRows(db, 'invoices', [
    { source_id: 'i1', issued_at: '2026-10-01', due_at: '2026-10-10', amount: 1000, currency: 'RUB' },
    { source_id: 'i2', issued_at: '2026-10-20', due_at: '2026-11-20', amount: 500, currency: 'RUB' },
    { source_id: 'i3', issued_at: '2026-07-01', due_at: '2026-07-15', amount: 300, currency: 'RUB' },
    { source_id: 'i4', issued_at: '2026-10-01', due_at: '2026-10-15', amount: 200, currency: 'RUB' },
  ]);
  await insertRows(db, 'payments', [
    { source_id: 'p1', invoice_id: 'i1', paid_at: '2026-10-20', amount: 400, currency: 'RUB' },
    { source_id: 'p2', invoice_id: 'i4', paid_at: '2026-10-14', amount: 200, currency: 'RUB' },
  ]);
  await insertRows(db, 'activities', [
    { source_id: 'c1', type: 'call', direction: 'out', owner: 'Anna', created_at: '2026-10-05 10:00:00', done_at: '2026-10-05 10:02:00', duration_sec: 120, outcome: 'успешно', deal_id: 'd1' },
    { source_id: 'c2', type: 'call', direction: 'in', owner: 'Anna', created_at: '2026-10-05 09:00:00', done_at: '2026-10-05 09:01:00', duration_sec: 60, outcome: 'нет ответа', deal_id: 'd1', channel: 'phone' },
    { source_id: 't1', type: 'task', owner: 'Anna', created_at: '2026-10-01 09:00:00', due_at: '2026-10-03 18:00:00', done_at: '2026-10-02 12:00:00' },
    { source_id: 't2', type: 'task', owner: 'Boris', created_at: '2026-10-01 09:00:00', due_at: '2026-10-20 18:00:00' },
    { source_id: 't3', type: 'task', owner: 'Boris', created_at: '2026-11-01 09:00:00', due_at: '2026-11-30 18:00:00' },
    { source_id: 'e1', type: 'email', direction: 'out', owner: 'Boris', created_at: '2026-10-07 11:00:00', status: 'opened', deal_id: 'd4' },
    { source_id: 'e2', type: 'email', direction: 'out', owner: 'Boris', created_at: '2026-10-07 12:00:00', status: 'bounced', deal_id: 'd4' },
    // A web form on Friday 17:00, answered by a call on Monday 10:00: 3,900 calendar minutes, 120 business minutes.
    { source_id: 'r1', type: 'email', direction: 'in', owner: 'Boris', created_at: '2026-10-09 17:00:00', status: 'done', done_at: '2026-10-12 10:00:00', deal_id: 'd4', channel: 'form' },
    { source_id: 'c3', type: 'call', direction: 'out', owner: 'Boris', created_at: '2026-10-12 10:00:00', done_at: '2026-10-12 10:05:00', duration_sec: 300, outcome: 'успешно', deal_id: 'd4' },
    // A meeting about a deal that was never imported: a data-quality finding, outside every activity report.
    { source_id: 'm1', type: 'meeting', owner: 'Anna', created_at: '2025-06-01 10:00:00', deal_id: 'd404' },
  ]);
  await insertRows(db, 'transactions', [
    { source_id: 'x1', date: '2026-10-05', direction: 'income', category: 'Продажи', amount: 5000, currency: 'RUB' },
    { source_id: 'x2', date: '2026-10-10', direction: 'expense', category: 'Реклама', amount: 1200, currency: 'RUB' },
    { source_id: 'x3', date: '2026-10-20', direction: 'expense', category: 'Зарплата', amount: 2000, currency: 'RUB' },
  ]);
  const days = Array.from({ length: 31 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`);
  await insertRows(db, 'ad_spend', days.flatMap((d) => [
    { source_id: `${d}-avito`, date: d, channel: 'Авито', amount: 10, currency: 'RUB' },
    { source_id: `${d}-yd`, date: d, channel: 'Яндекс.Директ', amount: 20, currency: 'RUB' },
  ]));
  await insertRows(db, 'touches', [
    { source_id: 'tA', deal_id: 'd1', touched_at: '2026-10-01 10:00:00', channel: 'Яндекс.Директ' },
    { source_id: 'tB', deal_id: 'd1', touched_at: '2026-10-04 10:00:00', channel: 'Авито' },
    { source_id: 'tC', deal_id: 'd3', touched_at: '2026-10-01 10:00:00', channel: 'Авито' },
  ]);
  await insertRows(db, 'products', [
    { source_id: 'p1', name: 'Монтаж', type: 'услуги', price: 5000, currency: 'RUB' },
    { source_id: 'p2', name: 'Станок', type: 'оборудование', price: 150000, currency: 'RUB' },
  ]);
  await insertRows(db, 'deal_items', [
    { source_id: 'di1', deal_id: 'd1', product_id: 'p1', quantity: 2, price: 5000, amount: 10000, currency: 'RUB' },
    { source_id: 'di2', deal_id: 'd3', product_id: 'p2', quantity: 1, price: 150000, amount: 150000, currency: 'RUB' },
  ]);
}
