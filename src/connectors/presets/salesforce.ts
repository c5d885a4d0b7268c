import { definePreset } from './preset.js';

// Salesforce: API names (Data Loader, SOQL, SObject Tree JSON) and report labels ("Account: Account Name").
const owner = { ownerid: 'owner', 'owner.name': 'owner', 'contact owner': 'owner', 'account owner': 'owner', 'opportunity owner': 'owner', 'lead owner': 'owner', 'assigned': 'owner' };
const times = { createddate: 'created_at', 'created date': 'created_at', lastmodifieddate: 'updated_at', 'last modified date': 'updated_at' };
const id = ['Id', 'Contact ID', 'Account ID', 'Opportunity ID', 'Lead ID', 'Activity ID', '18 Digit ID'];

export default definePreset({
  id: 'salesforce',
  label: 'Salesforce',
  entities: [
    {
      entity: 'contacts',
      signature: ['Contact: First Name', 'FirstName', 'MailingCity'],
      id,
      columns: {
        firstname: 'first_name', 'first name': 'first_name', 'contact: first name': 'first_name', lastname: 'last_name', 'last name': 'last_name', 'contact: last name': 'last_name',
        name: 'full_name', 'contact: full name': 'full_name', email: 'emails', 'contact: email': 'emails', phone: 'phones', 'contact: phone': 'phones', mobilephone: 'phones', 'mobile': 'phones',
        accountid: 'company_id', 'account.name': 'company_name', 'account name': 'company_name', 'account: account name': 'company_name',
        birthdate: 'birth_date', mailingstreet: 'address', 'mailing street': 'address', mailingpostalcode: 'postcode', 'mailing zip/postal code': 'postcode',
        title: 'title', 'contact: title': 'title', mailingcity: 'city', 'mailing city': 'city', mailingcountry: 'country', 'mailing country': 'country', leadsource: 'channel', 'lead source': 'channel',
        ...owner, ...times,
      },
    },
    {
      entity: 'companies',
      signature: ['BillingCity', 'NumberOfEmployees', 'AnnualRevenue'],
      id,
      columns: {
        name: 'name', 'account name': 'name', 'account: account name': 'name', phone: 'phones', 'account: phone': 'phones', website: 'website', industry: 'industry', type: 'type', 'account: type': 'type',
        numberofemployees: 'employees', employees: 'employees', annualrevenue: 'annual_revenue', 'annual revenue': 'annual_revenue',
        billingstreet: 'address', 'billing street': 'address', billingpostalcode: 'postcode', 'billing zip/postal code': 'postcode', dunsnumber: 'duns',
        billingcity: 'city', 'billing city': 'city', billingcountry: 'country', 'billing country': 'country', currencyisocode: 'currency',
        ...owner, ...times,
      },
    },
    {
      entity: 'deals',
      signature: ['StageName', 'Opportunity Name', 'CloseDate'],
      id,
      columns: {
        name: 'title', 'opportunity name': 'title', stagename: 'stage', stage: 'stage', amount: 'amount', closedate: 'closed_at', 'close date': 'closed_at',
        probability: 'probability', 'probability (%)': 'probability', forecastcategoryname: 'forecast_category', 'forecast category': 'forecast_category',
        accountid: 'company_id', 'account.name': 'company_name', 'account name': 'company_name', leadsource: 'channel', 'lead source': 'channel',
        currencyisocode: 'currency', 'opportunity currency': 'currency', 'amount currency': 'currency', pipeline: 'pipeline', 'loss_reason__c': 'lost_reason',
        ...owner, ...times,
      },
    },
    {
      entity: 'leads',
      signature: ['Company', 'IsConverted', 'ConvertedDate'],
      id,
      columns: {
        firstname: 'first_name', 'first name': 'first_name', lastname: 'last_name', 'last name': 'last_name', name: 'full_name',
        company: 'company_name', email: 'emails', phone: 'phones', mobilephone: 'phones', status: 'status', 'lead status': 'status',
        leadsource: 'channel', 'lead source': 'channel', converteddate: 'converted_at', convertedcontactid: 'contact_id', convertedopportunityid: 'deal_id',
        ...owner, ...times,
      },
    },
    {
      entity: 'activities',
      signature: ['Subject', 'ActivityDate', 'WhoId'],
      id,
      columns: {
        subject: 'subject', status: 'status', activitydate: 'due_at', 'due date': 'due_at', whoid: 'contact_id', whatid: 'deal_id',
        tasksubtype: 'type', type: 'type', calldurationinseconds: 'duration_sec', calltype: 'direction', calldisposition: 'outcome', completeddatetime: 'done_at',
        ...owner, ...times,
      },
    },
    {
      entity: 'users',
      signature: ['IsActive', 'Username'],
      id,
      columns: { name: 'name', email: 'email', isactive: 'active', department: 'department', title: 'role', 'userrole.name': 'role', ...times },
    },
  ],
});
