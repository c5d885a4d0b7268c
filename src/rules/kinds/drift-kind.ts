// A drift kind: a set kind over the import profiles whose findings are graded (each has its own severity) and
// whose "checked" count is the exports it compared.
import type { z } from 'zod';
import { comparedExports } from '../../drift/compared-imports.js';
import { defineKind, type Kind } from './kind.js';

export const defineDriftKind = <P extends z.ZodType>(k: Omit<Kind<P>, 'graded' | 'checked' | 'row'>): Kind<P> =>
  defineKind({ ...k, graded: true, checked: (_p, rule, rows) => comparedExports(rule, rows) });
