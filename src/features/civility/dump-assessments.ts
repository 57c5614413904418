/**
 * `node --import tsx src/features/civility/dump-assessments.ts > file`: the full assessment
 * (score, decision, labels, spans, reasons) of every held-out and training text, the augmented
 * rows and every suite case, one JSON line each. Diff two dumps to prove a speed change left
 * every decision as it was.
 */
import { augmentedRows } from './augment.js';
import { frameRows } from './augment-frames.js';
import { createCivilityGuard } from './civility.service.js';
import { loadSplit } from './datasets.js';
import { FUNCTIONAL_CASES } from './functional-cases.js';
import { FRESH_CASES } from './functional-fresh.js';
import { FRESH_CASES_2 } from './functional-fresh-2.js';
import { FRESH_CASES_3 } from './functional-fresh-3.js';
import { FUNCTIONAL_SUITE } from './functional-suite.js';

const guard = createCivilityGuard();
const { train, heldOut } = loadSplit();
const texts = [
  ...heldOut.map((r) => r.text),
  ...(process.env.DUMP_TRAIN === '0' ? [] : train.map((r) => r.text)),
  ...augmentedRows().map((r) => r.text),
  ...frameRows().map((r) => r.text),
  ...[FUNCTIONAL_SUITE, FRESH_CASES, FRESH_CASES_2, FRESH_CASES_3].flat().map((c) => c.text),
  ...Object.values(FUNCTIONAL_CASES)
    .flat()
    .map((c) => c.text),
];
const out: string[] = [];
for (const text of texts) out.push(JSON.stringify(guard.assess(text)));
process.stdout.write(out.join('\n') + '\n');
