// Where each input's rows are read from, and small SQL pieces the validations share.
import { fieldsOf, isEntity } from '../../model/tables.js';
import { BASE_TABLES } from '../base-rows.js';

/** The relation a report reads an input from: deals as of the as-of date, amount tables with outlier amounts left out. */
export const relationOf = (entity: string): string =>
  entity === 'deals' ? 'crmq_deals_as_of' : BASE_TABLES[entity]?.amount ? `crmq_${entity}` : entity;

export const hasCurrency = (entity: string): boolean => isEntity(entity) && 'currency' in fieldsOf(entity);

export const nounOf = (entity: string, n: number): string => {
  const b = BASE_TABLES[entity];
  return b ? (n === 1 ? b.noun.one : b.noun.many) : entity;
};

/** Per currency: the expression to group money by (a constant where the input has no currency). */
export const currencyOf = (entity: string, alias = 't'): string => (hasCurrency(entity) ? `${alias}.currency` : 'CAST(NULL AS VARCHAR)');
