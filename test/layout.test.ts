// The tree stays in step with itself: generated docs are fresh, every preset and entity is documented.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelMarkdown } from '../src/model/docs.js';
import { ROOT } from './helpers.js';

describe('layout', () => {
  it('docs/model.md matches src/model/tables.ts (run `npm run docs`)', () => {
    expect(readFileSync(join(ROOT, 'docs/model.md'), 'utf8')).toBe(modelMarkdown());
  });
});
