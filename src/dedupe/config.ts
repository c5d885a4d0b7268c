// What makes two records the same, per entity type: the compared fields with their comparison kind, and the
// blocking rules (each a set of columns that must be equal for a pair to be compared at all).
// One configuration per entity type; a dataset only says which of its columns fill which field.

export type Comparison = 'name' | 'text' | 'exact' | 'date' | 'email' | 'address' | 'org' | 'phone';

export interface EntityConfig {
  fields: Record<string, Comparison>;
  /** first/last names compared in whichever order matches better (swapped first and last names). */
  swapNames?: [string, string];
  /** Fields whose exact matches are weighted by how rare the value is (term frequency). */
  tf: string[];
  blocking: string[][];
  /** Match probability from which a pair is a link. */
  threshold: number;
  /** Prior: expected duplicates per record among the candidate pairs. */
  dupesPerRecord: number;
  /**
   * Strict rules (every field of one rule agreeing exactly) that catch about half of the true duplicates: how many
   * candidate pairs meet one says how duplicated this data is (Splink's deterministic estimate of λ). The λ used
   * is the geometric mean of that estimate and the prior, as the naive-Bayes scores are over-confident.
   */
  lambdaRules?: string[][];
}

/** SQL expressions over dd_rec columns for blocking keys (prefixes, initials). */
export const PERSON: EntityConfig = {
  fields: { first: 'name', last: 'name', dob: 'date', email: 'email', phone: 'exact', address: 'text', city: 'text', postcode: 'exact', id_number: 'exact', gender: 'exact', occupation: 'text', company: 'text' },
  swapNames: ['first', 'last'],
  tf: ['first', 'last', 'city'],
  blocking: [
    ['email'], ['phone'], ['id_number'],
    ['first', 'dob'], ['last', 'dob'], ['name_key'],
    ['substr(last, 1, 4)', 'substr(first, 1, 1)'], ['substr(first, 1, 4)', 'substr(last, 1, 1)'],
    ['postcode', 'substr(last, 1, 2)'], ['dob', 'city'], ['dob', 'postcode'], ['substr(first, 1, 3)', 'substr(last, 1, 3)', 'substr(dob, 1, 4)'],
    ['dob'], ["split_part(email, '@', 1)"], ['first', 'city'], ['last', 'city'], ['substr(dob, 1, 6)', 'substr(last, 1, 1)'],
  ],
  threshold: 0.99,
  dupesPerRecord: 0.1,
};

export const ORGANISATION: EntityConfig = {
  fields: { org_name: 'org', address: 'address', city: 'text', postcode: 'exact', phone: 'phone', domain: 'exact', email: 'email', id_number: 'exact' },
  // An address shared by many records (a mall, a casino, a business centre) says less than a rare one.
  tf: ['city', 'address'],
  blocking: [
    ['phone'], ['domain'], ['id_number'], ['email'],
    ["split_part(org_name, ' ', 1)", 'city'], ["split_part(org_name, ' ', 1)", 'postcode'],
    ['substr(org_name, 1, 6)'], ["regexp_extract(address, '\\d+')", "substr(regexp_replace(address, '[^a-z ]', '', 'g'), 1, 6)"],
    ['postcode', "split_part(address, ' ', 1)"],
  ],
  threshold: 0.999,
  dupesPerRecord: 0.1,
  lambdaRules: [['org_name', 'address'], ['phone', 'address'], ['org_name', 'phone'], ['domain']],
};
