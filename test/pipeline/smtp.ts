// A real SMTP server on 127.0.0.1 (smtp-server) that parses what it receives (mailparser), a peer that drops the
// connection mid-message, and the pipeline file the `crmq run` tests share. Servers close after each test.
import { simpleParser, type ParsedMail } from 'mailparser';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { onTestFinished } from 'vitest';
import { ROOT, write } from '../helpers.js';

export const SAMPLE = join(ROOT, 'fixtures/sample');
/** Closes the server when the test that started it ends (registered per test: this module may be shared by test files). */
const closeAfterTest = (server: { close(cb?: () => void): void }) => onTestFinished(() => new Promise<void>((res) => server.close(() => res())));

interface Received {
  from?: string;
  to: string[];
  mail: ParsedMail;
}

/** A real SMTP server on loopback that needs a login and keeps what it receives. */
export async function smtp(opts: { password?: string; refuse?: (rcpt: string) => boolean; tls?: 'starttls' | 'implicit' } = {}) {
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
  closeAfterTest(server);
  const port = (server.server.address() as AddressInfo).port;
  const scheme = opts.tls === 'implicit' ? 'smtps' : 'smtp';
  const query = opts.tls ? '/?tls.rejectUnauthorized=false' : '';
  return { received, secureSessions, port, url: `${scheme}://crmq:secret@127.0.0.1:${port}${query}` };
}

/** An SMTP peer that goes away in the middle of DATA. */
export async function vanishingSmtp() {
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
  closeAfterTest(server);
  return `smtp://crmq:secret@127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function pipeline(dir: string, smtpUrl: string, extra = '', deliver = '') {
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
