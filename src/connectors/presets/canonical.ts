import { ENTITIES, fieldsOf } from '../../model/tables.js';
import { definePreset } from './preset.js';

// Files whose headers are crmq's own field names (docs/model.md): `id` (or `source_id`) plus any canonical field.
// This is how data no CRM export carries (ad spend, transactions, stage history) comes in.
export default definePreset({
  id: 'canonical',
  label: 'crmq canonical columns',
  entities: ENTITIES.map((entity) => ({
    entity,
    id: ['id', 'source_id'],
    columns: Object.fromEntries(
      Object.entries(fieldsOf(entity)).map(([f, def]) => [f, def.type === 'list' ? f : f === 'email' || f === 'phone' ? `${f}s` : f]),
    ),
  })),
});
