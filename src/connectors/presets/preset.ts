import type { EntityName } from '../../model/tables.js';

/** How one CRM's export of one entity maps onto the canonical model. */
export interface EntityMap {
  entity: EntityName;
  /** Header (case-insensitive, trimmed) → canonical field. Several headers may feed one field. */
  columns: Record<string, string>;
  /** Header holding the record id; rows without it are rejected. Absent: ids are `row:N`. */
  id?: string[];
  /** Headers that only this entity's export has (e.g. "Название сделки"): they decide between layouts that know as many columns. */
  signature?: string[];
  /**
   * Other columns this export writes that have no canonical field (kept in `extra`): they count as recognised when
   * crmq decides whether a file fits the layout. A trailing `*` matches any header starting so ("примечание*").
   */
  known?: string[];
}

export interface Preset {
  id: string;
  label: string;
  /** Currency of amounts when the export names none (amoCRM has no currency column). */
  defaultCurrency?: string;
  /** Region for phone numbers written without a country code. */
  phoneRegion?: string;
  entities: EntityMap[];
  /** Turns one API record into what the maps expect (amoCRM's unix times into ISO), for saved JSON and `crmq pull`. */
  fromApi?: (record: Record<string, unknown>) => Record<string, unknown>;
}

export const definePreset = (p: Preset): Preset => p;
