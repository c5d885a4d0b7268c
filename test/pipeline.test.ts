// `crmq run` against a real SMTP server on 127.0.0.1 (smtp-server), its mail parsed back with mailparser.
import ExcelJS from 'exceljs';
import { simpleParser, type ParsedMail } from 'mailparser';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveRelative, todayIn } from '../src/pipeline/periods.js';
import { cli, query, ROOT, spawnCli, tmp, write } from './helpers.js';

const SAMPLE = join(ROOT, 'fixtures/sample');
let servers: { close(cb?: () => void): void }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
  servers = [];
});

interface Received {
  from?: string;
  to: string[];
  mail: ParsedMail;
}

/** A real SMTP server on loopback that needs a login and keeps what it receives. */
async function smtp(opts: { password?: string; refuse?: (rcpt: string) => boolean; tls?: 'starttls' | 'implicit' } = {}) {
  const received: Received[] = [];
  const secureSessions: boolean[] = [];
  const server = new SMTPServer({
    // smtp-server's built-in self-signed certificate serves STARTTLS and implicit TLS in tests.
    secure: opts.tls === 'implicit', disabledCommands: opts.tls ? [] : ['STARTTLS'], authOptional: false, allowInsecureAuth: !opts.tls, logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'crmq' && auth.password === (opts.password ?? 'secret')) cb(null, { user: 'crmq' });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (opts.refuse?.(address.address)) cb(Object.assign(new Error(`No such user here: ${address.address}`), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      secureSessions.push(session.secure);
      simpleParser(stream, { keepCidLinks: true }).then((mail) => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined, to: session.envelope.rcptTo.map((r) => r.address), mail });
        cb();
      }, cb);
    },
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  servers.push(server);
  const port = (server.server.address() as AddressInfo).port;
  const scheme = opts.tls === 'implicit' ? 'smtps' : 'smtp';
  const query = opts.tls ? '/?tls.rejectUnauthorized=false' : '';
  return { received, secureSessions, port, url: `${scheme}://crmq:secret@127.0.0.1:${port}${query}` };
}

/** An SMTP peer that goes away in the middle of DATA. */
async function vanishingSmtp() {
  const server: Server = createServer((socket) => {
    socket.write('220 localhost ESMTP\r\n');
    let inData = false;
    socket.on('data', (buf) => {
      if (inData) return socket.destroy();
      for (const line of buf.toString().split('\r\n').filter(Boolean)) {
        if (/^EHLO/i.test(line)) socket.write('250-localhost\r\n250 AUTH PLAIN LOGIN\r\n');
        else if (/^AUTH/i.test(line)) socket.write('235 ok\r\n');
        else if (/^(MAIL|RCPT)/i.test(line)) socket.write('250 ok\r\n');
        else if (/^DATA/i.test(line)) {
          socket.write('354 go ahead\r\n');
          inData = true;
        }
      }
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  servers.push(server);
  return `smtp://crmq:secret@127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function pipeline(dir: string, smtpUrl: string, extra = '', deliver = '') {
  return write(dir, 'crmq.pipeline.yaml', `name: Sales weekly
db: crm.duckdb
timezone: Europe/Moscow
out: out
${extra}
steps:
  - import:
      files: ["${SAMPLE}/bitrix24/Сделки.csv", "${SAMPLE}/bitrix24/stage-history.csv"]
      source: b24
  - check:
      select: [deals]
      formats: [junit]
  - report:
      ids: [manager-ranking, funnel]
      period: { from: "2026-01-01", to: "2026-10-31" }
      formats: [xlsx, html]
  - deliver:
      smtp: ${smtpUrl}
      from: crmq@example.ru
      to: [boss@example.ru, sales@example.ru]
      subject: "{title}: {period} ({status})"
      attach: [xlsx, html]
${deliver}`);
}

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

describe('SMTP failures: a clear line, exit 2, no half-written state', () => {
  it('the server refuses the login', async () => {
    const server = await smtp({ password: 'other' });
    const dir = tmp();
    const r = await cli('run', pipeline(dir, server.url));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^crmq: SMTP smtp:\/\/crmq:\*\*\*@127\.0\.0\.1:\d+: authentication failed \(535 Invalid username or password\)/);
    expect(r.stderr).not.toContain('secret');
    expect(existsSync(join(dir, 'out/.crmq-last-delivery.json'))).toBe(false);
    expect(existsSync(join(dir, 'crm.duckdb.run.lock'))).toBe(false);
    // Everything before the delivery is committed and consistent.
    const [imp] = await query<{ n: number; ok: boolean }>(join(dir, 'crm.duckdb'), 'SELECT count(*) AS n, bool_and(rows_read = rows_loaded + rows_rejected) AS ok FROM imports');
    expect(imp).toEqual({ n: 2, ok: true });
  });

  it('the server goes away in the middle of the message', async () => {
    const dir = tmp();
    const r = await cli('run', pipeline(dir, await vanishingSmtp()));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/crmq: SMTP smtp:\/\/crmq:\*\*\*@127\.0\.0\.1:\d+: connection failed or closed while sending/);
    expect(existsSync(join(dir, 'out/.crmq-last-delivery.json'))).toBe(false);
  });

  it('a recipient the server refuses', async () => {
    const server = await smtp({ refuse: (a) => a.startsWith('sales@') });
    const dir = tmp();
    const file = pipeline(dir, server.url);
    writeFileSync(file, readFileSync(file, 'utf8').replace('to: [boss@example.ru, sales@example.ru]', 'to: [sales@example.ru]'));
    const r = await cli('run', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the server refused the envelope \(550 No such user here: sales@example\.ru\)/);
  });

  it('a failed step mails the operators instead of the report', async () => {
    const server = await smtp();
    const dir = tmp();
    const file = pipeline(dir, server.url, `operators:\n  to: [ops@example.ru]`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('bitrix24/Сделки.csv', 'bitrix24/missing.csv'));
    const r = await cli('run', file);
    expect(r.code).toBe(2);
    expect(server.received).toHaveLength(1);
    expect(server.received[0].to).toEqual(['ops@example.ru']);
    expect(server.received[0].mail.subject).toBe('crmq run failed: Sales weekly (step import)');
    expect(server.received[0].mail.text).toMatch(/import: .*missing\.csv: no such file/);
  });
});

describe('unattended behaviour', () => {
  it('two runs never overlap; a stale lock from a crashed run is cleared', async () => {
    const server = await smtp();
    const dir = tmp();
    const file = pipeline(dir, server.url);
    const lock = join(dir, 'crm.duckdb.run.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, started: '2026-11-26T03:00:00Z' }));
    const held = await cli('run', file);
    expect(held.code).toBe(2);
    expect(held.stderr).toMatch(new RegExp(`another run is in progress \\(pid ${process.pid}, since 2026-11-26T03:00:00Z\\)`));
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, started: '2026-11-26T03:00:00Z' }));
    const after = await cli('run', file, '--dry-run');
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/"event":"stale_lock_cleared"/);
    expect(existsSync(lock)).toBe(false);
  });

  it('a second process started during a run is refused', async () => {
    const server = await smtp();
    const dir = tmp();
    const file = pipeline(dir, server.url);
    const first = spawnCli(['run', file, '--dry-run']);
    // Read the first run's output (a full pipe would stop it) and listen for its end now: it may end before the second does.
    let output = '';
    first.stdout.on('data', (d) => (output += d));
    first.stderr.on('data', (d) => (output += d));
    const exited = new Promise((res) => first.on('close', res));
    const lock = join(dir, 'crm.duckdb.run.lock');
    for (let i = 0; i < 200 && !existsSync(lock); i++) await new Promise((res) => setTimeout(res, 25));
    const second = await cli('run', file, '--dry-run');
    const code = await exited;
    expect(second.stderr).toMatch(/another run is in progress/);
    expect(second.code).toBe(2);
    expect(code, output).toBe(1);
  });

  it('pipeline errors name the line', async () => {
    const dir = tmp();
    const bad = write(dir, 'bad.yaml', 'steps:\n  - import:\n      files: x.csv\n      sauce: b24\n');
    const r = await cli('run', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crmq: .*bad\.yaml:4: steps\.0\.import: unknown key sauce \(did you mean source\?\)\n$/);
    const bad2 = write(dir, 'bad2.yaml', 'timezone: Mars/Olympus\nsteps:\n  - report: { all: true, period: last-full-month }\n');
    expect((await cli('run', bad2)).stderr).toMatch(/bad2\.yaml:1: timezone: "Mars\/Olympus" is not a time zone/);
    const bad3 = write(dir, 'bad3.yaml', 'steps:\n  - report: { all: true, period: fortnight }\n');
    expect((await cli('run', bad3)).stderr).toMatch(/bad3\.yaml:2: steps\.0\.report\.period: "fortnight" is not one of yesterday, last-7-days/);
    for (const [name, text, message] of [
      ['file.yaml', 'steps:\n  - import:\n      file: x.csv\n      source: b24\n', /file\.yaml:3: steps\.0\.import: unknown key file \(did you mean files\?\)/],
      ['lastweek.yaml', 'steps:\n  - report:\n      all: true\n      period: last-week\n', /lastweek\.yaml:4: steps\.0\.report\.period: "last-week" is not one of/],
      ['env.yaml', 'db: ${CRMQ_TEST_UNSET_VAR}/crm.duckdb\nsteps:\n  - check: {}\n', /env\.yaml:1: db: environment variable CRMQ_TEST_UNSET_VAR is not set/],
    ] as const) {
      const r2 = await cli('run', write(dir, name, text));
      expect(r2.code, name).toBe(2);
      expect(r2.stderr, name).toMatch(message);
      expect(r2.stderr.trim().split('\n'), name).toHaveLength(1);
    }
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
