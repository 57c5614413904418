/**
 * `npm run eval:civility`: scores the held-out split (never trained on: a seeded 10% of Davidson,
 * the official OLID test set, and ETHOS, which is GPL-3.0 and so used for evaluation only) and
 * the functional cases. Last line: one JSON object.
 */
import { CIVILITY_CONFIG } from './civility.config.js';
import { createCivilityGuard } from './civility.service.js';
import { SOURCES, loadSplit } from './datasets.js';
import { CivilityModel } from './model.js';
import { normalise } from './normalise.js';
import { FUNCTIONAL_CASES, passes } from './functional-cases.js';
import { FRESH_CASES } from './functional-fresh.js';
import { FRESH_CASES_2 } from './functional-fresh-2.js';
import { FRESH_CASES_3 } from './functional-fresh-3.js';
import { FRESH_CASES_4 } from './functional-fresh-4.js';
import { FRESH_CASES_5 } from './functional-fresh-5.js';
import { FRESH_CASES_6 } from './functional-fresh-6.js';
import { FUNCTIONAL_SUITE } from './functional-suite.js';
import { rocAuc, suiteFigures } from './suite-figures.js';

function prf(points: { flagged: boolean; label: 0 | 1 }[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const p of points) {
    if (p.flagged && p.label) tp++;
    else if (p.flagged) fp++;
    else if (p.label) fn++;
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  const f1 = (2 * precision * recall) / Math.max(1e-12, precision + recall);
  return { precision, recall, f1 };
}

const r3 = (n: number) => Math.round(n * 1000) / 1000;

function main(): void {
  const model = CivilityModel.load();
  const guard = createCivilityGuard({ model });
  const { heldOut } = loadSplit();
  const scored = heldOut.map((row) => {
    const a = guard.assess(row.text);
    const modelScore = model.score(normalise(row.text).text);
    return { ...row, score: a.score, modelScore, flagged: a.decision !== 'allow' };
  });

  console.log(`Held-out split: ${scored.length} texts (never trained on)\n`);
  console.log('source     rows   pos   ROC-AUC  precision  recall  F1     model alone');
  const line = (name: string, rows: typeof scored) => {
    const m = prf(rows);
    const pos = rows.filter((r) => r.label).length;
    console.log(
      `${name.padEnd(9)} ${String(rows.length).padStart(5)} ${String(pos).padStart(5)}   ${rocAuc(rows).toFixed(3)}    ${m.precision.toFixed(3)}      ${m.recall.toFixed(3)}   ${m.f1.toFixed(3)}  ${rocAuc(rows.map((r) => ({ score: r.modelScore, label: r.label }))).toFixed(3)}`,
    );
  };
  for (const source of SOURCES)
    line(
      source,
      scored.filter((r) => r.source === source),
    );
  line('all', scored);

  const overall = prf(scored);
  const auc = rocAuc(scored);
  const { review, block } = CIVILITY_CONFIG.thresholds;
  console.log(`\nFlagged = decision review or block (review ≥ ${review}, block ≥ ${block}).`);
  const blocked = prf(scored.map((r) => ({ ...r, flagged: r.score >= block })));
  console.log(
    `At the block threshold alone: precision ${blocked.precision.toFixed(3)}, recall ${blocked.recall.toFixed(3)}.`,
  );

  const suite = suiteFigures(guard, FUNCTIONAL_SUITE);
  const fresh = suiteFigures(guard, FRESH_CASES);
  const fresh2 = suiteFigures(guard, FRESH_CASES_2);
  const fresh3 = suiteFigures(guard, FRESH_CASES_3);
  const fresh4 = suiteFigures(guard, FRESH_CASES_4);
  const fresh5 = suiteFigures(guard, FRESH_CASES_5);
  const fresh6 = suiteFigures(guard, FRESH_CASES_6);
  for (const [name, f] of [
    ['Functional suite (functional-suite.ts)', suite],
    ['Fresh check, written after the suite (see functional-fresh.ts)', fresh],
    ['Second fresh check (functional-fresh-2.ts; its untouched figure is in MODEL.md)', fresh2],
    ['Third fresh check (functional-fresh-3.ts; its untouched figure is in MODEL.md)', fresh3],
    ['Fourth fresh check, threats and dehumanisation (functional-fresh-4.ts)', fresh4],
    [
      'Fifth fresh check (functional-fresh-5.ts, unseen; its untouched figure is in MODEL.md)',
      fresh5,
    ],
  ] as const) {
    console.log(`\n${name}: ${f.cases} cases`);
    console.log('  kind                   side      right');
    for (const [kind, k] of Object.entries(f.byKind))
      console.log(
        `  ${kind.padEnd(22)} ${(k.hateful ? 'hateful' : 'civil').padEnd(8)} ${String(k.right).padStart(3)}/${k.total}  ${((100 * k.right) / k.total).toFixed(0)}%`,
      );
    console.log(
      `  overall ${(100 * f.overall).toFixed(1)}%, hateful held ${(100 * f.hatefulCaught).toFixed(1)}%, civil allowed ${(100 * f.civilKept).toFixed(1)}%, ROC-AUC ${f.rocAuc.toFixed(3)}`,
    );
    // fresh-3 and fresh-5 stay unseen checks: their summaries are reported, their failing texts
    // are not.
    if (f !== fresh3 && f !== fresh5) for (const failure of f.failures) console.log(failure);
  }

  const functional: Record<string, { passed: number; total: number }> = {};
  console.log('\nRegression cases (functional-cases.ts)');
  for (const [category, cases] of Object.entries(FUNCTIONAL_CASES)) {
    const failures: string[] = [];
    for (const c of cases) {
      const a = guard.assess(c.text);
      if (!passes(c, a))
        failures.push(
          `    ✗ ${JSON.stringify(c.text)} → ${a.decision} ${a.score} [${a.labels.join(',')}]`,
        );
    }
    functional[category] = { passed: cases.length - failures.length, total: cases.length };
    console.log(`  ${category.padEnd(15)} ${cases.length - failures.length}/${cases.length}`);
    for (const f of failures) console.log(f);
  }

  console.log(
    JSON.stringify({
      name: 'civility',
      roc_auc: r3(auc),
      precision: r3(overall.precision),
      recall: r3(overall.recall),
      f1: r3(overall.f1),
      thresholds: CIVILITY_CONFIG.thresholds,
      by_source: Object.fromEntries(
        SOURCES.map((source) => [source, r3(rocAuc(scored.filter((r) => r.source === source)))]),
      ),
      suite: {
        overall: r3(suite.overall),
        held: r3(suite.hatefulCaught),
        allowed: r3(suite.civilKept),
        roc_auc: r3(suite.rocAuc),
      },
      fresh: {
        overall: r3(fresh.overall),
        held: r3(fresh.hatefulCaught),
        allowed: r3(fresh.civilKept),
        roc_auc: r3(fresh.rocAuc),
      },
      fresh2: {
        overall: r3(fresh2.overall),
        held: r3(fresh2.hatefulCaught),
        allowed: r3(fresh2.civilKept),
        roc_auc: r3(fresh2.rocAuc),
      },
      fresh3: {
        overall: r3(fresh3.overall),
        held: r3(fresh3.hatefulCaught),
        allowed: r3(fresh3.civilKept),
        roc_auc: r3(fresh3.rocAuc),
      },
      fresh4: {
        overall: r3(fresh4.overall),
        held: r3(fresh4.hatefulCaught),
        allowed: r3(fresh4.civilKept),
        roc_auc: r3(fresh4.rocAuc),
      },
      fresh5: {
        overall: r3(fresh5.overall),
        held: r3(fresh5.hatefulCaught),
        allowed: r3(fresh5.civilKept),
        roc_auc: r3(fresh5.rocAuc),
      },
      fresh6: {
        overall: r3(fresh6.overall),
        held: r3(fresh6.hatefulCaught),
        allowed: r3(fresh6.civilKept),
        roc_auc: r3(fresh6.rocAuc),
      },
      functional,
    }),
  );
}

main();
