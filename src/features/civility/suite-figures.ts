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
  for (const c of cases) {
    const a = guard.assess(c.text);
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
    byKind,
    failures,
  };
}
