// Every shipped rule not run by rule-cases.test.ts or rule-cases-deals.test.ts (leads, activities, …) against its cases.
import { describe } from 'vitest';
import { ruleCases } from './rule-cases.js';

describe('the shipped rule pack', () => ruleCases('rest'));
