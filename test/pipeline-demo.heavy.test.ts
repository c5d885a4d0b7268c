// The demo pipeline (fixtures/demo.pipeline.yaml) as cron runs it: the real process mailing a real SMTP server, then
// two weekly runs. Each imports the samples and renders the whole report catalogue with charts, so this file is in
// the heavy suite (`npm run test:heavy`, run by CI after `npm test`).
import { simpleParser } from 'mailparser';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, query, ROOT, tmp, write } from './helpers.js';
import { SAMPLE, smtp } from './pipeline/smtp.js';

describe('the demo pipeline, as cron runs it', () => {
  it('delivers its mail to the SMTP server named in CRMQ_SMTP_URL', async () => {
    const server = await smtp();
    const dir = tmp();
    const child = spawn(process.execPath, [join(ROOT, 'bin/crmq.js'), 'run', join(ROOT, 'fixtures/demo.pipeline.yaml'), '--log', join(dir, 'run.jsonl')], {
      stdio: ['ignore', 'pipe', 'pipe'], cwd: dir,
      env: { ...process.env, CRMQ_SMTP_URL: server.url, CRMQ_DB: join(dir, 'crm.duckdb'), CRMQ_OUT: join(dir, 'out'), NO_COLOR: '1' },
    });
    const code = await new Promise((res) => child.on('exit', res));
    expect(code).toBe(1); // the sample data has planted errors
    expect(server.received.map((m) => m.to)).toEqual([['director@example.ru']]);
    const mail = server.received[0].mail;
    // Wholly Russian: the status word in the subject, and the counts with their Russian plural forms.
    expect(mail.subject).toMatch(/^Продажи — еженедельный отчёт: 2026-01-01 – 2026-10-31 \((достоверен|с оговорками|недостоверен)\)$/);
    const line = /Проверка данных: (\d+) (находка|находки|находок), (\d+) (правило не прошло|правила не прошли|правил не прошли)/.exec(mail.text ?? '')!;
    expect(line, mail.text).toBeTruthy();
    const ru = (n: number, one: string, few: string, many: string) => (n % 10 === 1 && n % 100 !== 11 ? one : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100) ? few : many);
    expect(line[2]).toBe(ru(Number(line[1]), 'находка', 'находки', 'находок'));
    expect(line[4]).toBe(ru(Number(line[3]), 'правило не прошло', 'правила не прошли', 'правил не прошли'));
    const log = readFileSync(join(dir, 'run.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.at(-1)).toMatchObject({ event: 'run_finished', exit_code: 1 });
  });

  it('its second run, a week later, leads the mail with the headline figures and their change since the last mail, then the new data problems', async () => {
    // The demo pipeline as two weekly runs: the second with the Bitrix24 deals exported a week later; both over
    // January–November, so the deals won in November move the figures.
    const dir = tmp();
    const demo = readFileSync(join(ROOT, 'fixtures/demo.pipeline.yaml'), 'utf8').replaceAll('"sample/', `"${SAMPLE}/`).replace('to: "2026-10-31"', 'to: "2026-11-30"');
    const week1 = write(dir, 'week1.yaml', demo);
    const week2 = write(dir, 'week2.yaml', demo.replace('bitrix24/Сделки.csv', 'bitrix24/next-week/Сделки.csv'));
    const env = { CRMQ_DB: process.env.CRMQ_DB, CRMQ_OUT: process.env.CRMQ_OUT };
    Object.assign(process.env, { CRMQ_DB: join(dir, 'crm.duckdb'), CRMQ_OUT: join(dir, 'out') });
    const won = async () => (await query<{ n: number; amount: number }>(join(dir, 'crm.duckdb'),
      `SELECT count(*)::INTEGER AS n, round(sum(amount), 2)::DOUBLE AS amount FROM deals WHERE status = 'won' AND CAST(closed_at AS DATE) BETWEEN DATE '2026-01-01' AND DATE '2026-11-30' AND currency = 'RUB'`))[0];
    const mails: string[] = [];
    const figures: { n: number; amount: number }[] = [];
    try {
      for (const file of [week1, week2]) {
        expect((await cli('run', file, '--dry-run')).code).toBe(1);
        figures.push(await won());
        const eml = readdirSync(join(dir, 'out/mail')).filter((f) => f.endsWith('.eml')).sort();
        mails.push((await simpleParser(readFileSync(join(dir, 'out/mail', eml.at(-1)!)))).text ?? '');
      }
    } finally {
      for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
    const n = (s: string) => Number(s.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.').replace('−', '-'));
    expect(figures[1].amount).not.toBe(figures[0].amount);
    // The first mail: the figures, nothing to compare with.
    expect(mails[0]).toMatch(/Главные цифры \(первое письмо: сравнивать пока не с чем\):/);
    const first = /Сумма выигранных \(Рейтинг менеджеров\): ([\d\s\u00a0\u202f]+,\d\d)\n/.exec(mails[0]);
    expect(n(first![1])).toBeCloseTo(figures[0].amount, 2);
    // The second: each figure, its change and the first mail's figure, as the database says.
    expect(mails[1]).toMatch(/С прошлого письма \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\):/);
    const amount = /Сумма выигранных \(Рейтинг менеджеров\): ([\d\s\u00a0\u202f]+,\d\d) \(([+−][\d\s\u00a0\u202f]+,\d\d), [+−][\d\s,\u00a0\u202f]+%; было ([\d\s\u00a0\u202f]+,\d\d)\)/.exec(mails[1]);
    expect(amount, mails[1]).toBeTruthy();
    expect([n(amount![1]), n(amount![2]), n(amount![3])].map((x) => Math.round(x * 100))).toEqual(
      [figures[1].amount, figures[1].amount - figures[0].amount, figures[0].amount].map((x) => Math.round(x * 100)));
    const count = /Выиграно \(Рейтинг менеджеров\): (\d+) \(([+−]\d+), [^;]+; было (\d+)\)|Выиграно \(Рейтинг менеджеров\): (\d+) \(без изменений\)/.exec(mails[1])!;
    if (figures[1].n === figures[0].n) expect(Number(count[4])).toBe(figures[1].n);
    else expect([Number(count[1]), n(count[2]), Number(count[3])]).toEqual([figures[1].n, figures[1].n - figures[0].n, figures[0].n]);
    expect(mails[1]).toMatch(/Остаток \(Старение дебиторской задолженности\): [\d\s\u00a0\u202f]+,\d\d \(без изменений\)/); // the same invoices
    // Then what the new export brought: its drift findings among the problems new since the last mail.
    expect(mails[1]).toMatch(/Новые проблемы в данных с прошлого письма: \d+ \([^)]*deal\.drift\.values error: 1/);
    expect(mails[1].indexOf('С прошлого письма')).toBeLessThan(mails[1].indexOf('Проверка данных'));
  });
});
