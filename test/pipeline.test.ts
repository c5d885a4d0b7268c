// `crmq run` against a real SMTP server on 127.0.0.1 (smtp-server), its mail parsed back with mailparser.
// Failures and locking: pipeline/failures.test.ts; the demo pipeline as cron runs it: pipeline-demo.heavy.test.ts.
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRelative, todayIn } from '../src/pipeline/periods.js';
import { cli, query, tmp } from './helpers.js';
import { pipeline, smtp } from './pipeline/smtp.js';

describe('crmq run delivers to a real SMTP server', () => {
  it('imports, checks, reports and mails: recipients, subject, inline PNG charts, an XLSX that holds the figures', async () => {
    const server = await smtp();
    const dir = tmp();
    const file = pipeline(dir, server.url);
    const r = await cli('run', file);
    expect(r.code, r.stderr).toBe(1); // the planted deal problems fail two error rules
    expect(server.received).toHaveLength(1);
    const { to, mail } = server.received[0];
    expect(to).toEqual(['boss@example.ru', 'sales@example.ru']);
    expect(mail.subject).toMatch(/^Sales weekly: 2026-01-01 – 2026-10-31 \((valid|warning|invalid)\)$/);
    expect(mail.html).toMatch(/Manager ranking/);
    const inline = mail.attachments.filter((a) => a.contentType === 'image/png');
    expect(inline.map((a) => a.cid).sort()).toEqual(['chart-funnel@crmq', 'chart-manager-ranking@crmq']);
    for (const a of inline) expect(a.content.subarray(1, 4).toString()).toBe('PNG');
    expect(mail.html).toContain('src="cid:chart-manager-ranking@crmq"');
    const xlsx = mail.attachments.find((a) => a.filename === 'reports.xlsx')!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.content as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Manager ranking')!;
    const header = ws.getRows(1, ws.rowCount)!.find((row) => row.getCell(1).value === 'Manager')!;
    const won = new Map<string, number>();
    for (let n = header.number + 1; n <= ws.rowCount; n++) {
      const row = ws.getRow(n);
      if (typeof row.getCell(5).value === 'number' && row.getCell(1).value !== 'Total') won.set(String(row.getCell(1).value), row.getCell(5).value as number);
    }
    const truth = await query<{ owner: string; won: number }>(join(dir, 'crm.duckdb'),
      `SELECT owner, sum(amount) AS won FROM deals WHERE status = 'won' AND closed_at::DATE BETWEEN DATE '2026-01-01' AND DATE '2026-10-31' AND currency = 'RUB' GROUP BY owner`);
    expect(Object.fromEntries(won)).toEqual(Object.fromEntries(truth.map((t) => [t.owner, t.won])));
    expect(mail.attachments.some((a) => a.filename === 'reports.html')).toBe(true);
    // The log is JSON lines.
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l).event);
    expect(events).toEqual(expect.arrayContaining(['run_started', 'step_finished', 'mail_sent', 'run_finished']));
  });

  it('--dry-run writes the mail as an .eml file and sends nothing', async () => {
    const server = await smtp();
    const dir = tmp();
    const r = await cli('run', pipeline(dir, server.url), '--dry-run');
    expect(r.code).toBe(1);
    expect(server.received).toHaveLength(0);
    const eml = readdirSync(join(dir, 'out/mail')).filter((f) => f.endsWith('.eml'));
    expect(eml).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(dir, 'out/mail', eml[0])));
    expect(mail.attachments.map((a) => a.filename).sort()).toEqual(['funnel.png', 'manager-ranking.png', 'reports.html', 'reports.xlsx']);
  });

  it('when: on_change skips the mail when nothing changed since the last delivery', async () => {
    const server = await smtp();
    const dir = tmp();
    const file = pipeline(dir, server.url).replace(/$/, '');
    writeFileSync(file, readFileSync(file, 'utf8').replace('attach: [xlsx, html]', 'attach: [xlsx, html]\n      when: on_change'));
    await cli('run', file);
    const second = await cli('run', file);
    expect(server.received).toHaveLength(1);
    expect(second.stdout).toMatch(/skipped mail to boss@example\.ru.*nothing changed since the last delivery/);
  });
});

describe('encrypted SMTP', () => {
  it.each(['starttls', 'implicit'] as const)('delivers over %s (the login goes over TLS)', async (tls) => {
    const server = await smtp({ tls });
    const dir = tmp();
    const r = await cli('run', pipeline(dir, server.url));
    expect(r.code, r.stderr).toBe(1);
    expect(server.received).toHaveLength(1);
    expect(server.secureSessions).toEqual([true]);
  });
});

describe('relative periods', () => {
  it.each([
    ['last-full-month', '2026-10-01', '2026-10-31'],
    ['previous-week', '2026-11-16', '2026-11-22'],
    ['month-to-date', '2026-11-01', '2026-11-26'],
    ['yesterday', '2026-11-25', '2026-11-25'],
    ['previous-quarter', '2026-07-01', '2026-09-30'],
    ['year-to-date', '2026-01-01', '2026-11-26'],
  ] as const)('%s on Thursday 2026-11-26 is %s .. %s', (name, from, to) => {
    expect(resolveRelative(name, new Date(Date.UTC(2026, 10, 26)))).toMatchObject({ from, to });
  });

  it('"today" is taken in the pipeline\'s time zone', () => {
    const late = new Date('2026-11-30T22:30:00Z'); // already December 1st in Moscow
    expect(todayIn('Europe/Moscow', late).toISOString().slice(0, 10)).toBe('2026-12-01');
    expect(todayIn('UTC', late).toISOString().slice(0, 10)).toBe('2026-11-30');
  });
});
