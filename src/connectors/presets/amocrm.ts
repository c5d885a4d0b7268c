import { definePreset } from './preset.js';

// amoCRM / Kommo UI exports: comma CSV (UTF-8) or XLSX; "сделки" (leads in amo's API) are deals here.
// Dates are DD.MM.YYYY HH:MM:SS, an open deal's close date is «не закрыта», budgets have no currency column.
const phones = {
  'рабочий телефон': 'phones', 'рабочий прямой телефон': 'phones', 'мобильный телефон': 'phones', 'домашний телефон': 'phones', 'другой телефон': 'phones', 'телефон': 'phones', phone: 'phones',
};
const emails = { 'рабочий email': 'emails', 'личный email': 'emails', 'другой email': 'emails', email: 'emails' };
const utm = { utm_source: 'utm_source', utm_medium: 'utm_medium', utm_campaign: 'utm_campaign', utm_term: 'utm_term', utm_content: 'utm_content' };
const id = ['ID'];
/** Columns of amoCRM's UI exports with no canonical field: who created/edited, notes, messengers, web analytics. */
const common = [
  'примечание*', 'skype', 'icq', 'jabber', 'google talk', 'msn', 'другой im', 'факс', 'пользовательское соглашение',
  'cid', 'uid', 'tid', 'utm_referrer', '_ym_uid', '_ym_counter', 'roistat', 'referrer', 'openstat_*', 'from', 'gclientid', 'gclid', 'yclid', 'fbclid',
  'google_id', 'keyword', 'adv_camp', 'traf_type', 'traf_src', 'domain', 'товар',
];
/** API v4 writes times as unix seconds. */
const API_TIMES = ['created_at', 'updated_at', 'closed_at', 'complete_till', 'closest_task_at'];
/** System statuses every pipeline has: 142 "Успешно реализовано", 143 "Закрыто и не реализовано". */
const WON = 142;
const LOST = 143;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const withoutLinks = (list: unknown[]) => list.map((x) => (isObj(x) ? Object.fromEntries(Object.entries(x).filter(([k]) => k !== '_links')) : x));

/**
 * One API v4 record → the keys the maps read: unix times as ISO; custom fields by their code (PHONE, EMAIL,
 * POSITION, WEB …) or, without one, as "<name> [<field_id>]"; several values kept as a list (phones and
 * e-mails joined for the lists); `_embedded` links: the main contact and the first company become the links,
 * every contact, company, tag and lead stays whole in `_embedded.<kind>`; tags also as names; won/lost from the
 * system statuses.
 */
function fromApi(record: Obj): Obj {
  const out: Obj = { ...record };
  for (const k of API_TIMES) if (typeof out[k] === 'number' && (out[k] as number) > 0) out[k] = new Date((out[k] as number) * 1000).toISOString();
  if (Array.isArray(out.custom_fields_values)) {
    for (const f of out.custom_fields_values.filter(isObj)) {
      const code = typeof f.field_code === 'string' && f.field_code ? f.field_code : undefined;
      const key = code ?? `${String(f.field_name ?? 'field')} [${String(f.field_id)}]`;
      const values = (Array.isArray(f.values) ? f.values : []).map((x) => (isObj(x) ? (x.value ?? x.enum_code ?? null) : x)).filter((x) => x !== null && x !== '');
      out[key] = code === 'PHONE' || code === 'EMAIL' ? values.map(String).join('; ') : values.length === 1 ? values[0] : values;
    }
  }
  delete out.custom_fields_values;
  if (isObj(out._embedded)) {
    const e = out._embedded;
    const list = (k: string) => (Array.isArray(e[k]) ? (e[k] as unknown[]).filter(isObj) : []);
    const contacts = list('contacts');
    const main = contacts.find((c) => c.is_main === true) ?? contacts[0];
    if (main) out.main_contact_id = main.id;
    const company = list('companies')[0];
    if (company) out.company_id = company.id;
    const tags = list('tags');
    if (tags.length) out.tag_names = tags.map((t) => String(t.name ?? '')).filter(Boolean).join(', ');
    const reason = list('loss_reason')[0];
    if (reason) out.loss_reason_name = reason.name;
    for (const [k, v] of Object.entries(e)) out[`_embedded.${k}`] = Array.isArray(v) ? withoutLinks(v) : v;
    delete out._embedded;
  }
  // A task's record: the deal (amoCRM "lead"), contact or company it belongs to.
  const link = { leads: 'task_deal_id', contacts: 'task_contact_id', companies: 'task_company_id' }[String(out.entity_type)];
  if (link && out.entity_id) out[link] = out.entity_id;
  if (out.status_id === WON) out.status = 'won';
  else if (out.status_id === LOST) out.status = 'lost';
  return out;
}

export default definePreset({
  id: 'amocrm',
  label: 'amoCRM / Kommo',
  defaultCurrency: 'RUB',
  phoneRegion: 'RU',
  fromApi,
  entities: [
    {
      entity: 'deals',
      signature: ['Название сделки', 'Этап сделки', 'Бюджет', 'Дата создания сделки'],
      id,
      // A leads export carries its main contact's columns too.
      known: [...common, 'кем создана сделка', 'кем редактирована', 'ответственный за контакт', ...Object.keys(phones), ...Object.keys(emails), 'город', 'должность', 'сделки'],
      columns: {
        'название сделки': 'title', name: 'title', 'бюджет': 'amount', price: 'amount', 'ответственный': 'owner', responsible_user_id: 'owner',
        'дата создания сделки': 'created_at', created_at: 'created_at', 'дата редактирования': 'updated_at', updated_at: 'updated_at',
        'дата закрытия': 'closed_at', closed_at: 'closed_at', 'этап сделки': 'stage', status_id: 'stage', 'воронка': 'pipeline', pipeline_id: 'pipeline',
        'полное имя контакта': 'contact_name', 'компания контакта': 'company_name', 'компания': 'company_name', 'источник': 'channel', 'теги': 'tags',
        'причина отказа': 'lost_reason', loss_reason_name: 'lost_reason', loss_reason_id: 'lost_reason', status: 'status',
        main_contact_id: 'contact_id', company_id: 'company_id', tag_names: 'tags', ...utm,
      },
    },
    {
      entity: 'contacts',
      signature: ['Полное имя контакта', 'Дата создания контакта'],
      id,
      known: [...common, 'кем создан контакт', 'кем редактирован', 'сделки', 'web', 'адрес'],
      columns: {
        'полное имя контакта': 'full_name', name: 'full_name', 'имя': 'first_name', first_name: 'first_name', 'фамилия': 'last_name', last_name: 'last_name',
        'название компании': 'company_name', 'ответственный': 'owner', responsible_user_id: 'owner', 'дата создания контакта': 'created_at', created_at: 'created_at',
        'дата редактирования': 'updated_at', updated_at: 'updated_at', 'теги': 'tags', tag_names: 'tags', 'город': 'city', 'источник': 'channel', 'должность': 'title', position: 'title',
        'тип': 'lifecycle_stage', company_id: 'company_id',
        'дата рождения': 'birth_date', 'день рождения': 'birth_date', 'адрес': 'address',
        ...phones, ...emails, ...utm,
      },
    },
    {
      entity: 'companies',
      signature: ['Дата создания компании'],
      id,
      columns: {
        'название компании': 'name', 'название': 'name', name: 'name', 'ответственный': 'owner', responsible_user_id: 'owner', 'дата создания': 'created_at',
        'дата создания компании': 'created_at', created_at: 'created_at', 'дата редактирования': 'updated_at', updated_at: 'updated_at', web: 'website', 'город': 'city',
        'инн': 'inn', 'кпп': 'kpp', 'огрн': 'ogrn', 'адрес': 'address', ...phones, ...emails,
      },
    },
    {
      // Tasks (API v4 /tasks).
      entity: 'activities',
      signature: ['task_type_id', 'complete_till'],
      id,
      columns: {
        text: 'subject', task_type_id: 'type', is_completed: 'status', complete_till: 'due_at', duration: 'duration_sec', 'result.text': 'outcome',
        task_deal_id: 'deal_id', task_contact_id: 'contact_id', task_company_id: 'company_id',
        responsible_user_id: 'owner', created_at: 'created_at', updated_at: 'updated_at',
      },
    },
    {
      // Users (API v4 /users).
      entity: 'users',
      signature: ['rights.is_admin', 'rights.is_active'],
      id,
      columns: { name: 'name', email: 'email', 'rights.is_active': 'active' },
    },
  ],
});
