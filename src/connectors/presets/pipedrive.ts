import { definePreset } from './preset.js';

// Pipedrive exports prefix every column with its object: "Deal - Title", "Person - Email - Work".
// API records (v1, v2) use snake_case keys: title, value, add_time, owner_id, postal_address.locality …

/**
 * An API activity → what the maps read: `duration` "HH:MM" becomes seconds, `done` (true/false) the status done/open,
 * and the due time (HH:MM, UTC) joins the due date.
 */
function fromApi(record: Record<string, unknown>): Record<string, unknown> {
  const out = { ...record };
  const hm = typeof out.duration === 'string' ? /^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$/.exec(out.duration) : null;
  if (hm) out.duration = String(Number(hm[1]) * 3600 + Number(hm[2]) * 60 + Number(hm[3] ?? 0));
  if (typeof out.done === 'boolean') out.done = out.done ? 'done' : 'open';
  if (typeof out.due_date === 'string' && typeof out.due_time === 'string' && /^\d{2}:\d{2}(:\d{2})?$/.test(out.due_time)) {
    out.due_date = `${out.due_date} ${out.due_time}`;
    delete out.due_time;
  }
  return out;
}

export default definePreset({
  id: 'pipedrive',
  label: 'Pipedrive',
  fromApi,
  entities: [
    {
      entity: 'deals',
      signature: ['Deal - Title', 'Deal - ID'],
      id: ['Deal - ID', 'id'],
      columns: {
        'deal - title': 'title', title: 'title', 'deal - value': 'amount', value: 'amount', 'deal - currency': 'currency', currency: 'currency',
        'deal - stage': 'stage', stage_id: 'stage', 'deal - pipeline': 'pipeline', pipeline_id: 'pipeline', 'deal - status': 'status', status: 'status',
        'deal - owner': 'owner', owner_name: 'owner', owner_id: 'owner', 'deal - deal created': 'created_at', add_time: 'created_at', 'deal - update time': 'updated_at', update_time: 'updated_at',
        'deal - expected close date': 'expected_close_at', expected_close_date: 'expected_close_at', 'deal - won time': 'closed_at', won_time: 'closed_at',
        'deal - lost time': 'closed_at', lost_time: 'closed_at', 'deal - deal closed on': 'closed_at', close_time: 'closed_at', 'deal - lost reason': 'lost_reason', lost_reason: 'lost_reason',
        'deal - organization': 'company_name', org_name: 'company_name', 'deal - organization id': 'company_id', org_id: 'company_id',
        'deal - contact person': 'contact_name', person_name: 'contact_name', person_id: 'contact_id', 'deal - source': 'channel', channel: 'channel', 'deal - probability': 'probability', probability: 'probability',
      },
    },
    {
      entity: 'contacts',
      signature: ['Person - Name', 'Person - ID'],
      id: ['Person - ID', 'id'],
      columns: {
        'person - name': 'full_name', name: 'full_name', 'person - first name': 'first_name', first_name: 'first_name', 'person - last name': 'last_name', last_name: 'last_name',
        'person - email': 'emails', 'person - email - work': 'emails', 'person - email - home': 'emails', 'person - email - other': 'emails', email: 'emails',
        'person - phone': 'phones', 'person - phone - work': 'phones', 'person - phone - mobile': 'phones', 'person - phone - home': 'phones', 'person - phone - other': 'phones', phone: 'phones',
        'person - organization': 'company_name', org_name: 'company_name', org_id: 'company_id', 'person - owner': 'owner', owner_name: 'owner', owner_id: 'owner',
        emails: 'emails', phones: 'phones', job_title: 'title', 'postal_address.locality': 'city', 'postal_address.country': 'country',
        'person - person created': 'created_at', add_time: 'created_at', 'person - update time': 'updated_at', update_time: 'updated_at', 'person - label': 'lifecycle_stage',
      },
    },
    {
      entity: 'companies',
      signature: ['Organization - Name', 'Organization - ID'],
      id: ['Organization - ID', 'id'],
      columns: {
        'organization - name': 'name', name: 'name', 'organization - address': 'city', address: 'city', 'address.locality': 'city', 'organization - owner': 'owner', owner_name: 'owner', owner_id: 'owner',
        'organization - organization created': 'created_at', add_time: 'created_at', 'organization - update time': 'updated_at', update_time: 'updated_at',
        'organization - website': 'website', 'organization - industry': 'industry', 'organization - number of employees': 'employees',
        'address.country': 'country', website: 'website', industry: 'industry', annual_revenue: 'annual_revenue', employee_count: 'employees',
      },
    },
    {
      entity: 'activities',
      signature: ['Activity - Subject', 'Activity - ID'],
      id: ['Activity - ID', 'id'],
      columns: {
        'activity - subject': 'subject', subject: 'subject', 'activity - type': 'type', type: 'type', 'activity - due date': 'due_at', due_date: 'due_at',
        'activity - done': 'status', done: 'status', 'activity - marked as done time': 'done_at', marked_as_done_time: 'done_at', 'activity - duration': 'duration_sec', duration: 'duration_sec',
        'activity - assigned to user': 'owner', owner_name: 'owner', owner_id: 'owner', 'activity - deal id': 'deal_id', deal_id: 'deal_id', 'activity - person id': 'contact_id', person_id: 'contact_id',
        'activity - add time': 'created_at', add_time: 'created_at', update_time: 'updated_at', 'activity - note': 'outcome', note: 'outcome',
        lead_id: 'lead_id', org_id: 'company_id',
      },
    },
    {
      // Leads (API v1 /leads; the UI has no lead export): value is { amount, currency }.
      entity: 'leads',
      signature: ['label_ids', 'source_name', 'is_archived'],
      id: ['id'],
      columns: {
        title: 'title', 'value.amount': 'amount', 'value.currency': 'currency', person_id: 'contact_id', owner_id: 'owner', source_name: 'channel',
        add_time: 'created_at', update_time: 'updated_at',
      },
    },
    {
      // Users (API v1 /users).
      entity: 'users',
      signature: ['active_flag', 'is_admin'],
      id: ['id'],
      columns: { name: 'name', email: 'email', active_flag: 'active', created: 'created_at', modified: 'updated_at' },
    },
  ],
});
