import { definePreset } from './preset.js';

// Zoho CRM exports: "Record Id" (zcrm_…), "<Module> Owner", lookups as "Account Name" / "Account Name.id".
// API v2+ records use API names: First_Name, Deal_Name, Closing_Date, Owner.name …
const times = { 'created time': 'created_at', created_time: 'created_at', 'modified time': 'updated_at', modified_time: 'updated_at' };
const id = ['Record Id', 'id'];

export default definePreset({
  id: 'zoho',
  label: 'Zoho CRM',
  entities: [
    {
      entity: 'deals',
      signature: ['Deal Name', 'Deal_Name', 'Closing Date'],
      id,
      columns: {
        'deal name': 'title', deal_name: 'title', amount: 'amount', stage: 'stage', 'closing date': 'closed_at', closing_date: 'closed_at', 'deal owner': 'owner', 'owner.name': 'owner',
        'account name': 'company_name', 'account_name.name': 'company_name', 'account name.id': 'company_id', 'account_name.id': 'company_id',
        'contact name': 'contact_name', 'contact_name.name': 'contact_name', 'contact name.id': 'contact_id', 'contact_name.id': 'contact_id',
        'lead source': 'channel', lead_source: 'channel', 'probability (%)': 'probability', probability: 'probability', currency: 'currency', pipeline: 'pipeline',
        'reason for loss': 'lost_reason', reason_for_loss__s: 'lost_reason', ...times,
      },
    },
    {
      entity: 'contacts',
      signature: ['Contact Owner'],
      id,
      columns: {
        'first name': 'first_name', first_name: 'first_name', 'last name': 'last_name', last_name: 'last_name', 'full name': 'full_name', full_name: 'full_name',
        email: 'emails', 'secondary email': 'emails', secondary_email: 'emails', phone: 'phones', mobile: 'phones', 'other phone': 'phones',
        'account name': 'company_name', 'account_name.name': 'company_name', 'account name.id': 'company_id', 'account_name.id': 'company_id',
        'date of birth': 'birth_date', date_of_birth: 'birth_date', 'mailing street': 'address', mailing_street: 'address', 'mailing zip': 'postcode', mailing_zip: 'postcode',
        title: 'title', 'mailing city': 'city', mailing_city: 'city', 'mailing country': 'country', mailing_country: 'country', 'lead source': 'channel', lead_source: 'channel',
        'contact owner': 'owner', 'owner.name': 'owner', ...times,
      },
    },
    {
      entity: 'leads',
      signature: ['Lead Owner', 'Lead Status'],
      id,
      columns: {
        'first name': 'first_name', first_name: 'first_name', 'last name': 'last_name', last_name: 'last_name', company: 'company_name', email: 'emails', phone: 'phones', mobile: 'phones',
        'lead source': 'channel', lead_source: 'channel', 'lead status': 'status', lead_status: 'status', 'lead owner': 'owner', 'owner.name': 'owner', ...times,
      },
    },
    {
      entity: 'companies',
      signature: ['Account Owner', 'Account_Name'],
      id,
      columns: {
        'account name': 'name', account_name: 'name', phone: 'phones', website: 'website', industry: 'industry', 'account type': 'type', account_type: 'type',
        employees: 'employees', 'annual revenue': 'annual_revenue', annual_revenue: 'annual_revenue', 'billing city': 'city', billing_city: 'city', 'billing street': 'address', billing_street: 'address', 'billing code': 'postcode', billing_code: 'postcode',
        'billing country': 'country', billing_country: 'country', 'account owner': 'owner', 'owner.name': 'owner', ...times,
      },
    },
    {
      // Users (/crm/v8/users): crmq adds active (status "active").
      entity: 'users',
      signature: ['full_name', 'profile.name'],
      id,
      columns: { full_name: 'name', email: 'email', active: 'active', 'role.name': 'role', created_time: 'created_at', modified_time: 'updated_at' },
    },
  ],
});
