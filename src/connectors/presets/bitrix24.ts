import { definePreset } from './preset.js';

// Bitrix24 writes `;`-separated, fully quoted CSV with a trailing `;`, in Windows-1251 on Russian portals.
// Headers are Russian labels in UI exports, field codes (NAME, PHONE_WORK …) in import templates and the REST API.
const owner = { 'ответственный': 'owner', assigned_by_id: 'owner', assigned_by_name: 'owner' };
const times = { 'дата создания': 'created_at', date_create: 'created_at', 'дата изменения': 'updated_at', date_modify: 'updated_at' };
const person = {
  'имя': 'first_name', name: 'first_name', 'фамилия': 'last_name', last_name: 'last_name', 'отчество': 'middle_name', second_name: 'middle_name',
  'рабочий телефон': 'phones', 'мобильный телефон': 'phones', 'домашний телефон': 'phones', 'другой телефон': 'phones', 'телефон': 'phones',
  phone: 'phones', phone_work: 'phones', phone_mobile: 'phones', phone_home: 'phones', phone_other: 'phones',
  'рабочий e-mail': 'emails', 'частный e-mail': 'emails', 'другой e-mail': 'emails', 'e-mail': 'emails', email: 'emails', email_work: 'emails', email_home: 'emails', email_other: 'emails',
};
const id = ['ID'];
const address = { address_city: 'city', address_country: 'country' };
const utm = { utm_source: 'utm_source', utm_medium: 'utm_medium', utm_campaign: 'utm_campaign', utm_term: 'utm_term', utm_content: 'utm_content' };
/** A deal stage's group (STAGE_SEMANTIC_ID): S successful, F failed, P in progress. */
const SEMANTIC: Record<string, string> = { S: 'won', F: 'lost', P: 'open' };

/** Links to another record or a user, where Bitrix24 writes "0" (or 0) for none. CATEGORY_ID 0 is the main pipeline: a value. */
const LINK = /^(COMPANY|CONTACT|LEAD|QUOTE|DEAL|ASSIGNED_BY|CREATED_BY|MODIFY_BY|MOVED_BY|OWNER|RESPONSIBLE|AUTHOR|EDITOR)_ID$/;

/** REST records: a "0" link (COMPANY_ID, CONTACT_ID, ASSIGNED_BY_ID …) means none: NULL here; the deal's stage group gives won/lost. */
function fromApi(record: Record<string, unknown>): Record<string, unknown> {
  const out = { ...record };
  for (const [k, v] of Object.entries(out)) if (LINK.test(k) && (v === '0' || v === 0)) out[k] = null;
  if (typeof out.STAGE_SEMANTIC_ID === 'string' && SEMANTIC[out.STAGE_SEMANTIC_ID] && 'STAGE_ID' in out && !('OWNER_ID' in out)) out.DEAL_STATUS = SEMANTIC[out.STAGE_SEMANTIC_ID];
  return out;
}
// Identity fields (crmq dedupe): date of birth, address, postal code; a company's requisites (реквизиты).
const identity = { 'дата рождения': 'birth_date', birthdate: 'birth_date', 'адрес': 'address', address: 'address', 'почтовый индекс': 'postcode', address_postal_code: 'postcode' };
const requisites = { 'инн': 'inn', rq_inn: 'inn', 'кпп': 'kpp', rq_kpp: 'kpp', 'огрн': 'ogrn', rq_ogrn: 'ogrn', 'огрнип': 'ogrn', rq_ogrnip: 'ogrn' };

export default definePreset({
  id: 'bitrix24',
  label: 'Bitrix24',
  defaultCurrency: 'RUB',
  phoneRegion: 'RU',
  fromApi,
  entities: [
    {
      entity: 'contacts',
      signature: ['Тип контакта', 'Отчество'],
      id,
      columns: {
        ...person, 'компания': 'company_name', company_title: 'company_name', company_id: 'company_id', 'должность': 'title', post: 'title',
        'тип контакта': 'lifecycle_stage', type_id: 'lifecycle_stage', 'источник': 'channel', source_id: 'channel', 'город': 'city', ...address, ...identity, ...utm, ...owner, ...times,
      },
    },
    {
      entity: 'leads',
      signature: ['Название лида', 'STATUS_ID'],
      id,
      columns: {
        ...person, 'название лида': 'title', title: 'title', 'статус': 'status', status_id: 'status', 'источник': 'channel', source_id: 'channel',
        'сумма': 'amount', opportunity: 'amount', 'валюта': 'currency', currency_id: 'currency', 'название компании': 'company_name', company_title: 'company_name',
        'контакт': 'contact_id', contact_id: 'contact_id', ...identity, ...utm, ...owner, ...times,
      },
    },
    {
      entity: 'deals',
      signature: ['Название сделки', 'Стадия сделки', 'STAGE_ID'],
      id,
      columns: {
        'название сделки': 'title', title: 'title', 'стадия сделки': 'stage', 'стадия': 'stage', stage_id: 'stage', 'воронка': 'pipeline', 'направление': 'pipeline', category_id: 'pipeline',
        'сумма': 'amount', opportunity: 'amount', 'валюта': 'currency', currency_id: 'currency', 'вероятность': 'probability', probability: 'probability',
        'компания': 'company_name', company_id: 'company_id', 'контакт': 'contact_name', contact_id: 'contact_id', 'источник': 'channel', source_id: 'channel',
        'предполагаемая дата закрытия': 'expected_close_at', closedate: 'expected_close_at', 'дата закрытия': 'closed_at', 'причина проигрыша': 'lost_reason',
        deal_status: 'status', ...utm, ...owner, ...times,
      },
    },
    {
      entity: 'companies',
      signature: ['Название компании', 'Тип компании', 'COMPANY_TYPE'],
      id,
      columns: {
        'название компании': 'name', title: 'name', 'тип компании': 'type', company_type: 'type', 'сфера деятельности': 'industry', industry: 'industry',
        'рабочий телефон': 'phones', 'мобильный телефон': 'phones', 'телефон': 'phones', phone: 'phones', phone_work: 'phones',
        'рабочий e-mail': 'emails', 'e-mail': 'emails', email: 'emails', email_work: 'emails', 'сайт': 'website', 'корпоративный сайт': 'website', web: 'website',
        'годовой оборот': 'annual_revenue', revenue: 'annual_revenue', 'валюта': 'currency', currency_id: 'currency', 'кол-во сотрудников': 'employees', employees: 'employees',
        'город': 'city', ...address, 'адрес': 'address', address: 'address', 'почтовый индекс': 'postcode', address_postal_code: 'postcode', ...requisites, ...owner, ...times,
      },
    },
    {
      entity: 'activities',
      signature: ['Тема', 'Срок'],
      id,
      columns: {
        'тип': 'type', type_id: 'type', 'тема': 'subject', subject: 'subject', 'направление': 'direction', direction: 'direction', 'статус': 'status', completed: 'status',
        'срок': 'due_at', deadline: 'due_at', 'дата выполнения': 'done_at', end_time: 'done_at', 'длительность': 'duration_sec', responsible_id: 'owner',
        created: 'created_at', last_updated: 'updated_at', ...owner, ...times,
      },
    },
    {
      // Stage history (REST crm.stagehistory.list): one row per stage a deal entered.
      entity: 'deal_stage_history',
      signature: ['STAGE_SEMANTIC_ID', 'OWNER_ID'],
      id,
      columns: { owner_id: 'deal_id', stage_id: 'stage', category_id: 'pipeline', created_time: 'entered_at' },
    },
    {
      // Users (REST user.get): crmq adds FULL_NAME (NAME + LAST_NAME).
      entity: 'users',
      signature: ['WORK_POSITION', 'UF_DEPARTMENT'],
      id,
      columns: { full_name: 'name', email: 'email', active: 'active', work_position: 'role', date_register: 'created_at' },
    },
  ],
});
