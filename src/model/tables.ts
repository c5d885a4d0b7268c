// The canonical CRM model: declared once here. DDL (ddl.ts), zod row schemas (schema.ts),
// mapping validation and docs/model.md all derive from this object.

export type FieldType = 'text' | 'list' | 'int' | 'decimal' | 'timestamp' | 'date' | 'bool' | 'currency';

export interface FieldDef {
  type: FieldType;
  doc: string;
  /** Several source columns feeding this field are joined with spaces, in header order (street number + street), not coalesced. */
  join?: boolean;
}

export interface TableDef {
  doc: string;
  fields: Record<string, FieldDef>;
}

const t = (doc: string): FieldDef => ({ type: 'text', doc });
const list = (doc: string): FieldDef => ({ type: 'list', doc });
const ts = (doc: string): FieldDef => ({ type: 'timestamp', doc });
const dt = (doc: string): FieldDef => ({ type: 'date', doc });
const money = (doc: string): FieldDef => ({ type: 'decimal', doc });
const int = (doc: string): FieldDef => ({ type: 'int', doc });
const cur = (doc = 'ISO 4217 currency code of the amounts in this row'): FieldDef => ({ type: 'currency', doc });

// Identity fields: what tells one person or organisation from another when names coincide (crmq dedupe uses each one present).
const street = (): FieldDef => ({ type: 'text', doc: 'Street address: house number, street, building (several columns feeding it are joined in order)', join: true });
const person = {
  birth_date: dt('Date of birth'),
  national_id: t('National ID as written: passport, SSN, СНИЛС, …'),
  tax_id: t('Personal tax ID as written (ИНН of a person, …)'),
  address: street(),
  postcode: t('Postal code'),
};

/** Columns every table carries: where the row came from. */
export const LINEAGE: Record<string, FieldDef> = {
  source: t('Name given at import (--source), e.g. hubspot-eu'),
  source_id: t('The record id in the source CRM (or "<file name>:<row>" when the export has no id column)'),
  import_id: int('imports.import_id of the import that loaded this row'),
  source_line: int('Row number in the source file as a spreadsheet shows it (header = 1)'),
  extra: t('JSON object of the source columns that have no canonical field, and raw values that failed to parse'),
};

const owned = { owner: t('Responsible user (owner/manager) as the CRM names them') };
const times = { created_at: ts('When the record was created in the CRM'), updated_at: ts('Last modification in the CRM') };
const utm = {
  utm_source: t('utm_source'),
  utm_medium: t('utm_medium'),
  utm_campaign: t('utm_campaign'),
  utm_term: t('utm_term'),
  utm_content: t('utm_content'),
};

export const TABLES = {
  users: {
    doc: 'Owners, managers and other CRM users.',
    fields: { name: t('Display name'), email: t('Work e-mail'), department: t('Department or division'), role: t('Role or title'), active: { type: 'bool', doc: 'Still active in the CRM' }, ...times },
  },
  contacts: {
    doc: 'People: customers, prospects and their colleagues.',
    fields: {
      full_name: t('Full name as one string (built from the parts when the export has only parts)'),
      first_name: t('Given name'), last_name: t('Family name'), middle_name: t('Middle name or patronymic (Отчество)'),
      email: t('Primary e-mail (first of emails)'), emails: list('All e-mail addresses'),
      phone: t('Primary phone as written (first of phones)'), phones: list('All phone numbers as written'),
      company_name: t('Company name as written on the contact'), company_id: t('Source id of the company'),
      title: t('Job title'), city: t('City'), country: t('Country'), ...person,
      lifecycle_stage: t('Lifecycle stage or contact type (raw label)'), channel: t('Lead source / channel (raw label)'),
      tags: t('Tags as written'), ...owned, ...times, ...utm,
    },
  },
  companies: {
    doc: 'Organisations (accounts).',
    fields: {
      name: t('Company name as written'), inn: t('Tax id (INN for Russian companies)'), kpp: t('KPP: tax registration reason code (Russia)'),
      ogrn: t('OGRN / OGRNIP: state registration number (Russia)'), vat_id: t('VAT number (e.g. DE123456789)'), duns: t('D-U-N-S number'),
      website: t('Website or domain'), address: street(), postcode: t('Postal code'),
      email: t('Primary e-mail'), emails: list('All e-mail addresses'), phone: t('Primary phone'), phones: list('All phones'),
      industry: t('Industry'), type: t('Company type (customer, partner, …)'), city: t('City'), country: t('Country'),
      employees: int('Number of employees'), annual_revenue: money('Annual revenue'), currency: cur(), ...owned, ...times,
    },
  },
  leads: {
    doc: 'Unqualified requests and leads, before they become deals.',
    fields: {
      title: t('Lead title'), full_name: t('Person name'), first_name: t('Given name'), last_name: t('Family name'), middle_name: t('Patronymic'),
      email: t('Primary e-mail'), emails: list('All e-mails'), phone: t('Primary phone'), phones: list('All phones'),
      company_name: t('Company as written'), city: t('City'), ...person, status: t('Lead status (raw label)'), channel: t('Source / channel (raw label)'),
      amount: money('Expected amount'), currency: cur(), contact_id: t('Source id of the contact it became'), deal_id: t('Source id of the deal it became'),
      converted_at: ts('When converted'), closed_at: ts('When closed (junk or converted)'), lost_reason: t('Why it was junked'),
      ...owned, ...times, ...utm,
    },
  },
  deals: {
    doc: 'Opportunities with an amount and a stage.',
    fields: {
      title: t('Deal name'), amount: money('Deal amount'), currency: cur(), stage: t('Current stage (raw label)'), pipeline: t('Pipeline / funnel name'),
      status: t('open, won or lost when the CRM says so'), probability: money('Stage probability in percent'),
      contact_id: t('Source id of the main contact'), contact_name: t('Main contact as written'),
      company_id: t('Source id of the company'), company_name: t('Company as written'),
      channel: t('Source / channel (raw label)'), closed_at: ts('Actual close date'), expected_close_at: ts('Expected close date'),
      lost_reason: t('Loss reason'), forecast_category: t('Forecast category'), tags: t('Tags'), ...owned, ...times, ...utm,
    },
  },
  deal_stage_history: {
    doc: 'Every stage a deal entered, with when.',
    fields: { deal_id: t('Source id of the deal'), stage: t('Stage entered (raw label)'), pipeline: t('Pipeline'), entered_at: ts('When the deal entered the stage'), ...owned },
  },
  activities: {
    doc: 'Calls, e-mails, meetings, tasks, chats and form submissions.',
    fields: {
      type: t('call, email, meeting, task, chat or form'), direction: t('in or out'), status: t('Status (e.g. done, open, delivered, opened, bounced)'),
      subject: t('Subject or title'), contact_id: t('Source id of the contact'), deal_id: t('Source id of the deal'), lead_id: t('Source id of the lead'), company_id: t('Source id of the company'),
      due_at: ts('When it is due'), done_at: ts('When it was done'), duration_sec: int('Duration in seconds (calls, meetings)'), outcome: t('Outcome or result'),
      channel: t('Channel (for inbound requests: form, callback, chat, …)'), ...owned, ...times,
    },
  },
  products: {
    doc: 'The product catalogue.',
    fields: { name: t('Product name'), sku: t('SKU / code'), type: t('Product type or category'), price: money('List price'), currency: cur(), ...times },
  },
  deal_items: {
    doc: 'Products on deals.',
    fields: { deal_id: t('Source id of the deal'), product_id: t('Source id of the product'), product_name: t('Product as written'), quantity: money('Quantity'), price: money('Unit price'), amount: money('Line amount'), currency: cur() },
  },
  invoices: {
    doc: 'Invoices issued.',
    fields: {
      number: t('Invoice number'), deal_id: t('Source id of the deal'), company_id: t('Source id of the company'), contact_id: t('Source id of the contact'),
      issued_at: dt('Issue date'), due_at: dt('Due date'), amount: money('Invoice total'), currency: cur(), status: t('Status (raw label)'), ...owned, ...times,
    },
  },
  payments: {
    doc: 'Payments received against invoices.',
    fields: { invoice_id: t('Source id of the invoice'), paid_at: dt('Payment date'), amount: money('Amount paid'), currency: cur(), method: t('Payment method') },
  },
  ad_spend: {
    doc: 'Advertising spend per day, channel and campaign.',
    fields: { date: dt('Day of spend'), channel: t('Channel (raw label)'), campaign: t('Campaign'), amount: money('Spend'), currency: cur(), impressions: int('Impressions'), clicks: int('Clicks') },
  },
  touches: {
    doc: 'Marketing touchpoints of contacts and leads, for attribution.',
    fields: { contact_id: t('Source id of the contact'), lead_id: t('Source id of the lead'), deal_id: t('Source id of the deal the touch led to, when known'), touched_at: ts('When'), channel: t('Channel (raw label)'), campaign: t('Campaign'), ...utm },
  },
  transactions: {
    doc: 'Income and expense entries.',
    fields: { date: dt('Booking date'), direction: t('income or expense'), category: t('Category'), amount: money('Amount (positive)'), currency: cur(), description: t('Description'), deal_id: t('Source id of the deal') },
  },
} satisfies Record<string, TableDef>;

export type EntityName = keyof typeof TABLES;
export const ENTITIES = Object.keys(TABLES) as EntityName[];

export function isEntity(name: string): name is EntityName {
  return Object.hasOwn(TABLES, name);
}

export function fieldsOf(entity: EntityName): Record<string, FieldDef> {
  return TABLES[entity].fields as Record<string, FieldDef>;
}
