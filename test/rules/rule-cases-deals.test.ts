// The shipped deal, invoice, payment, transaction and ad-spend rules against their data-only cases (see rule-cases.test.ts).
import { describe } from 'vitest';
import { ruleCases } from './rule-cases.js';

describe('the shipped rule pack', () => ruleCases('deals'));
