import { z } from 'zod';
import { lit } from '../../db/sql.js';
import { CrmqError } from '../../errors.js';
import { mapLabel } from '../semantics.js';
import { defineKind } from './kind.js';

let seq = 0;

export default defineKind({
  name: 'semantic-drift',
  description:
    'The data-driven half of semantic mismatch: the same canonical stage behaves very differently across sources. For each stage ' +
    '(mapped through the standard), compares the win rate of the deals that entered it and their median days in it; a pair of sources ' +
    'whose win rates differ by more than `win_rate_gap` and by a factor over `win_rate_ratio`, or whose median days differ by a factor over ' +
    '`age_ratio`, is a finding with the figures. Needs deal_stage_history; deals need a status.',
  params: z
    .object({
      standard: z.string().default('deal_stage'),
      min_deals: z.number().int().min(1).default(10),
      win_rate_gap: z.number().min(0).max(1).default(0.2),
      win_rate_ratio: z.number().min(1).default(2.5),
      age_ratio: z.number().min(1).default(5),
      ignore: z.array(z.string()).default(['won', 'lost']),
    })
    .strict(),
  set: async (p, rule, ctx) => {
    const std = ctx.semantics?.standards[p.standard];
    if (!std) throw new CrmqError(`${rule.file}: params.standard: no standard "${p.standard}" in the semantics file`);
    const labels = await ctx.db.all<{ source: string; stage: string }>(`SELECT DISTINCT source, stage FROM deal_stage_history WHERE stage IS NOT NULL`);
    const map = `crmq_stage_map_${process.pid}_${++seq}`;
    await ctx.db.run(`CREATE OR REPLACE TEMP TABLE ${map} (source VARCHAR, stage VARCHAR, value VARCHAR)`);
    const rows = labels.flatMap((l) => {
      const v = mapLabel(std, l.source, l.stage);
      return v && !p.ignore.includes(v) ? [`(${lit(l.source)}, ${lit(l.stage)}, ${lit(v)})`] : [];
    });
    if (rows.length) await ctx.db.run(`INSERT INTO ${map} VALUES ${rows.join(', ')}`);
    const pct = (x: string) => `CAST(round(100 * ${x}) AS INTEGER) || '%'`;
    return `
      WITH h AS (
        SELECT h.source, h.deal_id, m.value AS stage, h.entered_at,
          lead(h.entered_at) OVER (PARTITION BY h.source, h.deal_id ORDER BY h.entered_at) AS next_at
        FROM deal_stage_history h JOIN ${map} m ON m.source = h.source AND m.stage = h.stage),
      per AS (
        SELECT h.source, h.stage, count(DISTINCT h.deal_id) AS n,
          count(DISTINCT h.deal_id) FILTER (WHERE d.status = 'won') AS won,
          count(DISTINCT h.deal_id) FILTER (WHERE d.status IN ('won', 'lost')) AS closed,
          median(epoch(h.next_at - h.entered_at) / 86400.0) AS days
        FROM h JOIN ${ctx.rows} d ON d.source = h.source AND d.source_id = h.deal_id
        GROUP BY h.source, h.stage),
      s AS (SELECT *, won / nullif(closed, 0) AS rate FROM per WHERE closed >= ${p.min_deals})
      SELECT a.source, 'stage:' || a.stage || '~' || b.source AS source_id, a.stage AS value,
        CASE WHEN abs(a.rate - b.rate) > ${p.win_rate_gap} AND greatest(a.rate, b.rate) > ${p.win_rate_ratio} * least(a.rate, b.rate)
          THEN 'win rate after "' || a.stage || '": ' || ${pct('a.rate')} || ' in ' || a.source || ' (' || a.closed || ' closed) vs ' || ${pct('b.rate')} || ' in ' || b.source || ' (' || b.closed || ' closed); '
          ELSE '' END ||
        CASE WHEN greatest(a.days, b.days) > ${p.age_ratio} * least(a.days, b.days)
          THEN 'median days in "' || a.stage || '": ' || round(a.days, 1) || ' in ' || a.source || ' vs ' || round(b.days, 1) || ' in ' || b.source
          ELSE '' END AS detail,
        'drift:' || a.stage AS cluster
      FROM s a JOIN s b ON a.stage = b.stage AND a.source < b.source
      WHERE (abs(a.rate - b.rate) > ${p.win_rate_gap} AND greatest(a.rate, b.rate) > ${p.win_rate_ratio} * least(a.rate, b.rate))
         OR greatest(a.days, b.days) > ${p.age_ratio} * least(a.days, b.days)`;
  },
});
