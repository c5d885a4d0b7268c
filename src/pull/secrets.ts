// Credentials come only from the environment: NAME, or NAME_FILE naming a file that holds it (Docker/K8s secrets).
// Every value read here is remembered so error messages can be redacted before anyone sees them.
import { readFileSync } from 'node:fs';
import { CrmqError } from '../errors.js';

const known = new Set<string>();

/** Remembers a secret so `redact` hides it (also its URL-encoded form). */
export function addSecret(value: string): void {
  if (value.length >= 4) {
    known.add(value);
    known.add(encodeURIComponent(value));
  }
}

export function readSecret(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const file = env[`${name}_FILE`];
  let value = env[name];
  if (!value && file) {
    try {
      value = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new CrmqError(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (!value) throw new CrmqError(`${name} is not set: export ${name}=… (${what}), or ${name}_FILE=<file holding it>`);
  addSecret(value.trim());
  return value.trim();
}

/** Is the secret given, directly or as NAME_FILE? */
export const hasSecret = (env: NodeJS.ProcessEnv, name: string): boolean => !!(env[name]?.trim() || env[`${name}_FILE`]?.trim());

export function optionalEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/**
 * Hides every known secret, plus anything shaped like one: user:password@ in URLs, bearer tokens,
 * api_token/access_token/auth query parameters, and the key segments of Bitrix24 webhook URLs (/rest/<user>/<key>/).
 */
export function redact(text: string): string {
  let out = text;
  for (const s of [...known].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]*@/gi, '$1***@')
    .replace(/(\/rest\/\d+\/)[^/\s?"']+/g, '$1***')
    .replace(/\b(api_token|access_token|auth|token|apikey|hapikey)=([^&\s"']+)/gi, '$1=***')
    .replace(/\b(Bearer|Zoho-oauthtoken|OAuth)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ***');
}
