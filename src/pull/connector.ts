// What every CRM connector provides: which entities it can pull, how to fetch one page of an entity
// from a cursor (optionally only records changed since a time), and how to read its rate-limit signals.
import { z } from 'zod';
import { CrmqError } from '../errors.js';
import type { EntityName } from '../model/tables.js';
import type { Answer, Http, Verdict } from './http.js';

/** A position in a listing, stored as JSON in the pull's checkpoint. */
export type Cursor = Record<string, string | number | boolean | null>;

export interface PulledRecord {
  id: string;
  /** Last modification as the CRM reports it (ISO), when it does. */
  updatedAt?: string;
  /** The record as the API returned it, ready for flattenRecord. */
  data: Record<string, unknown>;
}

export interface Page {
  records: PulledRecord[];
  /** Where the next page starts; absent on the last page. */
  next?: Cursor;
  /** The raw response body, for --save-raw. */
  body: string;
}

export interface PageRequest {
  /** The CRM's name for the entity ("contacts", "crm.deal"…), a key of `entities`. */
  entity: string;
  cursor?: Cursor;
  since?: Date;
  /** 1-based page number, for messages. */
  page: number;
}

export interface Session {
  page(http: Http, req: PageRequest): Promise<Page>;
  /** Ids deleted (archived, in the recycle bin) since a time, where the API exposes them. */
  deleted?(http: Http, entity: string, since: Date | undefined): Promise<string[]>;
  classify?(a: Answer): Verdict | undefined;
  /** Replaces an expired access token (OAuth refresh-token grant), where the CRM's tokens expire. */
  refresh?(http: Http): Promise<void>;
}

export interface Connector {
  id: string;
  label: string;
  /** The import preset whose column names the flattened API records use. */
  preset: string;
  /** CRM entity name → canonical table. */
  entities: Record<string, EntityName>;
  defaultEntities: string[];
  /** Documented request rate the client keeps under (requests per second). */
  rate: number;
  /** A lower rate for incremental pulls when they use a stricter endpoint (HubSpot search). */
  incrementalRate?: number;
  /** Environment variables, for --help and the README. */
  env: { name: string; doc: string }[];
  /** Minimal scopes or permissions the token needs. */
  scopes: string;
  open(env: NodeJS.ProcessEnv, baseUrl?: string): Session;
}

export const defineConnector = (c: Connector): Connector => c;

/** Validates an API answer's shape; a mismatch names the CRM, request and the first wrong field. */
export function expectShape<T>(schema: z.ZodType<T>, a: Answer, crm: string, what: string): T {
  const r = schema.safeParse(a.json);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.path.length ? issue.path.join('.') : 'the answer';
  throw new CrmqError(`${crm} ${what}: unexpected answer: ${path}: ${issue.message} (did the API change?)`);
}

/** A string or number id as text. */
export const idSchema = z.union([z.string().min(1), z.number()]).transform(String);

export const trimSlash = (u: string): string => u.replace(/\/+$/, '');

export const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
