import { definePreset } from './preset.js';

// HubSpot UI exports use property labels ("First Name"); API and import files use internal names ("firstname").
const owner = { 'contact owner': 'owner', 'company owner': 'owner', 'deal owner': 'owner', hubspot_owner_id: 'owner', 'activity assigned to': 'owner' };
// The object's own createdAt/updatedAt (every API object has them) stand in when the properties do not come.
const times = {
  'create date': 'created_at', createdate: 'created_at', hs_createdate: 'created_at', 'last modified date': 'updated_at', lastmodifieddate: 'updated_at', hs_lastmodifieddate: 'updated_at',
  createdat: 'created_at', updatedat: 'updated_at',
};
const id = ['Record ID', 'hs_object_id', 'id'];
/** Association kinds → the link field the first associated record fills (every id stays in `associations.<kind>`). */
const LINKS: Record<string, string> = { contacts: 'associated_contact_id', companies: 'associated_company_id', deals: 'associated_deal_id' };

/**
 * An API object → the keys the maps read: hs_deal_stage_probability is a fraction (0.2) and becomes a percent
 * (20, docs/model.md); hs_call_duration milliseconds become seconds; associations (v3 `associations.<kind>.results[]`) give the first id as the link and
 * keep every id as a list.
 */
function fromApi(record: Record<string, unknown>): Record<string, unknown> {
  const out = { ...record };
  const props = out.properties && typeof out.properties === 'object' ? { ...(out.properties as Record<string, unknown>) } : undefined;
  if (props) {
    const p = props.hs_deal_stage_probability;
    if (p !== undefined && p !== null && p !== '' && Number.isFinite(Number(p))) props.hs_deal_stage_probability = String(Math.round(Number(p) * 100 * 1e6) / 1e6);
    // Call durations are milliseconds in the API.
    const ms = props.hs_call_duration;
    if (ms !== undefined && ms !== null && ms !== '' && Number.isFinite(Number(ms))) props.hs_call_duration = String(Number(ms) / 1000);
    out.properties = props;
  }
  const assoc = out.associations as Record<string, { results?: { id?: unknown }[] }> | undefined;
  if (assoc && typeof assoc === 'object') {
    for (const [kind, a] of Object.entries(assoc)) {
      const ids = [...new Set((a?.results ?? []).map((r) => String(r.id ?? '')).filter(Boolean))];
      if (LINKS[kind] && ids.length) out[LINKS[kind]] = ids[0];
      if (ids.length) out[`associations.${kind}`] = ids;
    }
    delete out.associations;
  }
  return out;
}
// Identity fields (crmq dedupe): date of birth, street address, postal code.
const identity = {
  'date of birth': 'birth_date', date_of_birth: 'birth_date', 'street address': 'address', address: 'address', 'postal code': 'postcode', zip: 'postcode',
};

export default definePreset({
  id: 'hubspot',
  label: 'HubSpot',
  fromApi,
  entities: [
    {
      entity: 'contacts',
      signature: ['First Name', 'firstname', 'Lifecycle Stage'],
      id,
      columns: {
        'first name': 'first_name', firstname: 'first_name', 'last name': 'last_name', lastname: 'last_name',
        email: 'emails', 'additional email addresses': 'emails', hs_additional_emails: 'emails',
        'phone number': 'phones', phone: 'phones', 'mobile phone number': 'phones', mobilephone: 'phones',
        'company name': 'company_name', company: 'company_name', 'associated company': 'company_name', 'associated company ids': 'company_id', associatedcompanyid: 'company_id',
        associated_company_id: 'company_id',
        'job title': 'title', jobtitle: 'title', city: 'city', 'country/region': 'country', country: 'country',
        ...identity,
        'lifecycle stage': 'lifecycle_stage', lifecyclestage: 'lifecycle_stage', 'original source': 'channel', hs_analytics_source: 'channel',
        ...owner, ...times,
      },
    },
    {
      entity: 'companies',
      signature: ['Company Domain Name', 'domain'],
      id,
      columns: {
        'company name': 'name', name: 'name', 'company domain name': 'website', domain: 'website', website: 'website', 'website url': 'website',
        'phone number': 'phones', phone: 'phones', industry: 'industry', type: 'type', city: 'city', 'country/region': 'country', country: 'country',
        'street address': 'address', address: 'address', 'street address 2': 'address', address2: 'address', 'postal code': 'postcode', zip: 'postcode',
        'number of employees': 'employees', numberofemployees: 'employees', 'annual revenue': 'annual_revenue', annualrevenue: 'annual_revenue',
        ...owner, ...times,
      },
    },
    {
      entity: 'deals',
      signature: ['Deal Name', 'dealname', 'Deal Stage', 'dealstage'],
      id,
      columns: {
        'deal name': 'title', dealname: 'title', amount: 'amount', 'currency': 'currency', deal_currency_code: 'currency',
        'deal stage': 'stage', dealstage: 'stage', pipeline: 'pipeline', 'close date': 'closed_at', closedate: 'closed_at',
        'deal probability': 'probability', hs_deal_stage_probability: 'probability', 'forecast category': 'forecast_category', hs_manual_forecast_category: 'forecast_category',
        'closed lost reason': 'lost_reason', closed_lost_reason: 'lost_reason', 'original source type': 'channel', hs_analytics_source: 'channel',
        'associated company': 'company_name', 'associated contact': 'contact_name', 'associated company ids': 'company_id', 'associated contact ids': 'contact_id',
        associated_company_id: 'company_id', associated_contact_id: 'contact_id',
        ...owner, ...times,
      },
    },
    {
      entity: 'activities',
      signature: ['Call Title', 'hs_call_title', 'hs_task_subject', 'Task Title'],
      id,
      columns: {
        'activity type': 'type', hs_activity_type: 'type', 'call title': 'subject', hs_call_title: 'subject', 'task title': 'subject', hs_task_subject: 'subject',
        'call direction': 'direction', hs_call_direction: 'direction', 'call status': 'status', hs_call_status: 'status', 'task status': 'status', hs_task_status: 'status',
        'call outcome': 'outcome', hs_call_disposition: 'outcome', 'activity date': 'done_at', hs_timestamp: 'due_at', 'due date': 'due_at',
        'call duration': 'duration_sec', hs_call_duration: 'duration_sec', hs_task_completion_date: 'done_at',
        associated_contact_id: 'contact_id', associated_company_id: 'company_id', associated_deal_id: 'deal_id',
        ...owner, ...times,
      },
    },
    {
      // Owners (/crm/v3/owners): crmq adds name (first + last) and active (not archived).
      entity: 'users',
      signature: ['userIdIncludingInactive', 'firstName'],
      id: ['id'],
      columns: { name: 'name', email: 'email', active: 'active', createdat: 'created_at', updatedat: 'updated_at' },
    },
  ],
});
