// Sends a mail over SMTP with nodemailer, or writes it as an .eml file (dry run). SMTP failures become one plain line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { CrmqError } from '../errors.js';

/** The URL with its password replaced, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

function explain(err: NodeJS.ErrnoException & { responseCode?: number; response?: string; command?: string; rejected?: string[] }, url: string): CrmqError {
  const where = redactUrl(url);
  switch (err.code) {
    case 'EAUTH':
      return new CrmqError(`SMTP ${where}: authentication failed (${(err.response ?? err.message).split('\n')[0]}); check the user and password`);
    case 'ECONNECTION':
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'ESOCKET':
      return new CrmqError(`SMTP ${where}: connection failed or closed while sending (${err.message.split('\n')[0]})`);
    case 'EENVELOPE':
      return new CrmqError(`SMTP ${where}: the server refused the envelope (${(err.response ?? err.message).split('\n')[0]})`);
    case 'EMESSAGE':
      return new CrmqError(`SMTP ${where}: the server refused the message (${(err.response ?? err.message).split('\n')[0]})`);
    default:
      return new CrmqError(`SMTP ${where}: ${err.message.split('\n')[0]}`);
  }
}

export async function sendMail(message: SendMailOptions, opts: { smtp?: string; dryRunDir?: string; name: string }): Promise<{ messageId?: string; file?: string; accepted?: string[] }> {
  if (opts.dryRunDir) {
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const info = await transport.sendMail(message);
    mkdirSync(opts.dryRunDir, { recursive: true });
    const file = join(opts.dryRunDir, `${opts.name}.eml`);
    writeFileSync(file, info.message as Buffer);
    return { file, messageId: info.messageId };
  }
  const url = opts.smtp ?? process.env.CRMQ_SMTP_URL;
  if (!url) throw new CrmqError('deliver: no SMTP server: set smtp: in the pipeline or CRMQ_SMTP_URL (smtp://user:pass@host:587, smtps://… for TLS)');
  let transport: Transporter;
  try {
    transport = nodemailer.createTransport(url, { connectionTimeout: 15000, greetingTimeout: 15000, socketTimeout: 30000 } as never);
  } catch (err) {
    throw new CrmqError(`SMTP ${redactUrl(url)}: not a valid SMTP URL (${(err as Error).message})`);
  }
  try {
    const info = await transport.sendMail(message);
    return { messageId: info.messageId, accepted: info.accepted as string[] };
  } catch (err) {
    throw explain(err as never, url);
  } finally {
    transport.close();
  }
}
