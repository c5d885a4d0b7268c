// The shipped YAML parsed at build time (dist/yaml-cache.json): the same content as parsing the file, and only while
// the file's text is the one that was cached.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SHIPPED_SEMANTICS } from '../src/rules/config.js';
import { packagePath } from '../src/paths.js';
import { precompiled, writeYamlCache } from '../src/yaml-cache.js';
import { tmp } from './helpers.js';

describe('yaml cache', () => {
  const out = join(tmp(), 'yaml-cache.json');
  const files = [SHIPPED_SEMANTICS, packagePath('reports', 'manager-ranking.yaml'), packagePath('reports', 'funnel.yaml')];

  it('gives what parsing the file gives, and nothing once the text differs or the file is not shipped', () => {
    expect(writeYamlCache(out)).toBeGreaterThanOrEqual(24);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(precompiled(file, text, out)).toEqual(parse(text));
      expect(precompiled(file, `${text}\n# edited\n`, out)).toBeUndefined();
    }
    const text = readFileSync(files[1], 'utf8');
    expect(precompiled(join(tmp(), 'manager-ranking.yaml'), text, out)).toBeUndefined();
  });
});
