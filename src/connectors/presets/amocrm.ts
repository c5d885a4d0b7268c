import { definePreset } from './preset.js';

// amoCRM / Kommo UI exports: comma CSV (UTF-8) or XLSX; "сделки" (leads in amo's API) are deals here.
// Dates are DD.MM.YYYY HH:MM:SS, an open deal's close date is «не закрыта», budgets have no currency column.
const phones = {
  'рабочий телефон': 'phones', 'рабочий прямой телефон': 'phones', 'мобильный телефон': 'phones', 'домашний телефон': 'phones', 'другой телефон': 'phones', 'телефон': 'phones', phone: 'phones',
};
const emails = { 'рабочий email': 'emails', 'личный email': 'emails', 'другой email': 'emails', email: 'emails' };
const utm = { utm_source: 'utm_source', utm_medium: 'utm_medium', utm_campaign: 'utm_campaign', utm_term: 'utm_term', utm_content: 'utm_content' };
const id = ['ID'];
/** API v4 writes times as unix seconds. */
const API_TIMES = ['created_at', 'updated_at', 'closed_at', 'complete_till', 'closest_task_at'];

export default definePreset({
  id: 'amocrm',
  label: 'amoCRM / Kommo',
  defaultCurrency: 'RUB',
  phoneRegion: 'RU',
  fromApi(record) {
    const out = { ...record };
    for (const k of API_TIMES) if (typeof out[k] === 'number' && (out[k] as number) > 0) out[k] = new Date((out[k] as number) * 1000).toISOString();
    return out;
  },
  entities: [
    {
      entity: 'deals',
      signature: ['Название сделки', 'Этап сделки', 'Бюджет', 'Дата создания сделки'],
      id,
      columns: {
        'название сделки': 'title', name: 'title', 'бюджет': 'amount', price: 'amount', 'ответственный': 'owner', responsible_user_id: 'owner',
        'дата создания сделки': 'created_at', created_at: 'created_at', 'дата редактирования': 'updated_at', updated_at: 'updated_at',
        'дата закрытия': 'closed_at', closed_at: 'closed_at', 'этап сделки': 'stage', status_id: 'stage', 'воронка': 'pipeline', pipeline_id: 'pipeline',
        'полное имя контакта': 'contact_name', 'компания контакта': 'company_name', 'компания': 'company_name', 'источник': 'channel', 'теги': 'tags',
        'причина отказа': 'lost_reason', loss_reason_id: 'lost_reason', ...utm,
      },
    },
    {
      entity: 'contacts',
      signature: ['Полное имя контакта', 'Дата создания контакта'],
      id,
      columns: {
        'полное имя контакта': 'full_name', name: 'full_name', 'имя': 'first_name', first_name: 'first_name', 'фамилия': 'last_name', last_name: 'last_name',
        'название компании': 'company_name', 'ответственный': 'owner', responsible_user_id: 'owner', 'дата создания контакта': 'created_at', created_at: 'created_at',
        'дата редактирования': 'updated_at', updated_at: 'updated_at', 'теги': 'tags', 'город': 'city', 'источник': 'channel', 'должность': 'title', 'тип': 'lifecycle_stage',
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
        'инн': 'inn', ...phones, ...emails,
      },
    },
    {
      // Tasks (API v4 /tasks).
      entity: 'activities',
      signature: ['task_type_id', 'complete_till'],
      id,
      columns: {
        text: 'subject', task_type_id: 'type', is_completed: 'status', complete_till: 'due_at', duration: 'duration_sec', 'result.text': 'outcome',
        responsible_user_id: 'owner', created_at: 'created_at', updated_at: 'updated_at',
      },
    },
  ],
});
