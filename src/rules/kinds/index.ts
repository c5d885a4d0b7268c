// The registry of rule kinds: one module each.
import consistency from './consistency.js';
import distributionShift from './distribution-shift.js';
import exportStaleness from './export-staleness.js';
import fake from './fake.js';
import fillRateDrop from './fill-rate-drop.js';
import format from './format.js';
import fuzzyDuplicate from './fuzzy-duplicate.js';
import freshness from './freshness.js';
import type { Kind } from './kind.js';
import massEdit from './mass-edit.js';
import outlier from './outlier.js';
import phoneFormat from './phone-format.js';
import reference from './reference.js';
import required from './required.js';
import schemaChange from './schema-change.js';
import semanticDrift from './semantic-drift.js';
import sql from './sql.js';
import unique from './unique.js';
import vocabulary from './vocabulary.js';
import vocabularyChange from './vocabulary-change.js';
import volumeChange from './volume-change.js';

export const KINDS: Record<string, Kind> = Object.fromEntries(
  [required, unique, fuzzyDuplicate, format, phoneFormat, vocabulary, semanticDrift, reference, consistency, fake, outlier, freshness, sql,
    schemaChange, volumeChange, fillRateDrop, vocabularyChange, distributionShift, massEdit, exportStaleness].map((k) => [k.name, k as Kind]),
);
