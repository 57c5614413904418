import type { CivilityGuard } from './civility.service.js';
import type { SuiteCase } from './functional-suite.js';

/** Right = a hateful case held or blocked, a civil one allowed. */
export function suiteFigures(guard: CivilityGuard, cases: SuiteCase[]) {
  const byKind: Record<string, { right: number; total: number; hateful: boolean }> = {};
  let right = 0;
  let caught = 0;
  let hateful = 0;
  let kept = 0;
  const failures: string[] = [];
  const points: { score: number; label: 0 | 1 }[] = [];
  for (const c of cases) {
    const a = guard.assess(c.text);
    points.push({ score: a.score, label: c.hateful ? 1 : 0 });
    const ok = c.hateful ? a.decision !== 'allow' : a.decision === 'allow';
    const k = (byKind[c.kind] ??= { right: 0, total: 0, hateful: c.hateful });
    k.total++;
    if (ok) {
      right++;
      k.right++;
      if (c.hateful) caught++;
      else kept++;
    } else failures.push(`    ✗ [${c.kind}] ${JSON.stringify(c.text)} → ${a.decision} ${a.score}`);
    if (c.hateful) hateful++;
  }
  return {
    cases: cases.length,
    overall: right / cases.length,
    hatefulCaught: caught / Math.max(1, hateful),
    civilKept: kept / Math.max(1, cases.length - hateful),
    rocAuc: rocAuc(points),
    byKind,
    failures,
  };
}

/** The probability that a random positive scores above a random negative (ties count half). */
export function rocAuc(points: { score: number; label: 0 | 1 }[]): number {
  const sorted = points.slice().sort((a, b) => a.score - b.score);
  let rankSum = 0;
  let positives = 0;
  // Tied scores share their average rank.
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (!sorted[k]!.label) continue;
      rankSum += rank;
      positives++;
    }
    i = j;
  }
  const negatives = sorted.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
