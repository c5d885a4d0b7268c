// What makes two records the same, per entity type: the compared fields with their comparison kind, the identifiers
// (present and different on both records: evidence against, and never left in one cluster), and the blocking rules
// (each a set of columns that must be equal for a pair to be compared at all). One configuration per entity type;
// a field the data leaves empty everywhere drops out, with every blocking rule that needs it.

export type Comparison = 'name' | 'text' | 'exact' | 'date' | 'email' | 'address' | 'org' | 'phone';

export const COMPARISONS: Comparison[] = ['name', 'text', 'exact', 'date', 'email', 'address', 'org', 'phone'];

export interface EntityConfig {
  fields: Record<string, Comparison>;
  /** first/last names compared in whichever order matches better (swapped first and last names). */
  swapNames?: [string, string];
  /** Fields whose exact matches are weighted by how rare the value is (term frequency). */
  tf: string[];
  /**
   * Strong identifiers (date of birth, e-mail, phone, tax and registration numbers): when both records have one and
   * they differ, that weighs against a link as much as the data says such fields differ between duplicates.
   */
  identifiers: string[];
  blocking: string[][];
  /** Match probability from which a pair is a link, by profile: `precise` (the default) and `review`. */
  threshold: number;
  reviewThreshold: number;
  /** Prior: expected duplicates per record among the candidate pairs. */
  dupesPerRecord: number;
  /**
   * Strict rules (every field of one rule agreeing exactly) that catch about half of the true duplicates: how many
   * candidate pairs meet one says how duplicated this data is (Splink's deterministic estimate of λ). The λ used
   * is the geometric mean of that estimate and the prior, as the naive-Bayes scores are over-confident.
   */
  lambdaRules: string[][];
  /** m priors per field where the kind's default does not fit (index = level). */
  mPrior?: Record<string, number[]>;
}

export type Profile = 'precise' | 'review';

export const PERSON: EntityConfig = {
  fields: {
    first: 'name', last: 'name', dob: 'date', email: 'email', phone: 'phone', id_number: 'exact', tax_id: 'exact', address: 'address', city: 'text',
    postcode: 'exact', gender: 'exact', occupation: 'text', company: 'text',
  },
  swapNames: ['first', 'last'],
  tf: ['first', 'last', 'city', 'email_user'],
  identifiers: ['dob', 'email', 'phone', 'id_number', 'tax_id'],
  blocking: [
    ['email'], ['phone'], ['id_number'], ['tax_id'],
    ['first', 'dob'], ['last', 'dob'], ['name_key'],
    ['substr(last, 1, 4)', 'substr(first, 1, 1)'], ['substr(first, 1, 4)', 'substr(last, 1, 1)'],
    ['postcode', 'substr(last, 1, 2)'], ['dob', 'city'], ['dob', 'postcode'], ['substr(first, 1, 3)', 'substr(last, 1, 3)', 'substr(dob, 1, 4)'],
    ['dob'], ['email_user'], ['first', 'city'], ['last', 'city'], ['substr(dob, 1, 6)', 'substr(last, 1, 1)'],
  ],
  threshold: 0.9995,
  reviewThreshold: 0.99,
  dupesPerRecord: 0.1,
  lambdaRules: [['email'], ['phone'], ['id_number'], ['tax_id'], ['first', 'last', 'dob']],
};

export const ORGANISATION: EntityConfig = {
  fields: {
    org_name: 'org', address: 'address', city: 'text', postcode: 'exact', phone: 'phone', domain: 'exact', email: 'email',
    inn: 'exact', kpp: 'exact', ogrn: 'exact', vat_id: 'exact', duns: 'exact',
  },
  // An address shared by many records (a mall, a casino, a business centre) says less than a rare one.
  tf: ['org_name', 'city', 'address'],
  // An organisation has many phones and e-mails; its registration numbers are one each (a branch has its own KPP).
  identifiers: ['inn', 'kpp', 'ogrn', 'vat_id', 'duns'],
  blocking: [
    ['phone'], ['domain'], ['inn'], ['ogrn'], ['vat_id'], ['duns'], ['email'], ['org_name'],
    ["split_part(org_name, ' ', 1)", 'city'], ["split_part(org_name, ' ', 1)", 'postcode'],
    ['substr(org_name, 1, 6)'], ["regexp_extract(address, '\\d+')", "substr(regexp_replace(address, '[^a-z ]', '', 'g'), 1, 6)"],
    ['postcode', "split_part(address, ' ', 1)"],
  ],
  threshold: 0.9995,
  reviewThreshold: 0.99,
  dupesPerRecord: 0.1,
  lambdaRules: [['org_name', 'address'], ['phone', 'address'], ['org_name', 'phone'], ['domain'], ['inn'], ['ogrn'], ['vat_id'], ['duns']],
  // An organisation lists several phone numbers: the same one often shows two different ones.
  mPrior: { phone: [0.45, 0.05, 0.05, 0.45] },
};

export const thresholdOf = (cfg: EntityConfig, profile: Profile): number => (profile === 'review' ? cfg.reviewThreshold : cfg.threshold);
