import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { CIVILITY_CONFIG, withThresholds } from './civility.config.js';
import { MAX_ASSESSED_CHARS, assess, createCivilityGuard } from './civility.service.js';
import { FUNCTIONAL_CASES, passes } from './functional-cases.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('civility guard: functional cases', () => {
  for (const [category, cases] of Object.entries(FUNCTIONAL_CASES)) {
    it(`${category}: every case (${cases.length})`, () => {
      const failures = cases
        .map((c) => ({ c, a: assess(c.text) }))
        .filter(({ c, a }) => !passes(c, a))
        .map(
          ({ c, a }) =>
            `${JSON.stringify(c.text)} → ${a.decision} ${a.score} [${a.labels.join(',')}]`,
        );
      assert.deepEqual(failures, []);
    });
  }
});

describe('civility guard: decisions and spans', () => {
  it('decides by the configured thresholds', () => {
    const text = 'Idiots like you are ruining this country';
    const score = assess(text).score;
    assert.ok(score >= CIVILITY_CONFIG.thresholds.block);
    assert.equal(assess(text).decision, 'block');
    const above = Math.min(1, score + 0.01);
    const lenient = createCivilityGuard({
      config: withThresholds({ block: above, review: above }),
    });
    assert.equal(lenient.assess(text).decision, 'allow');
    const strict = createCivilityGuard({ config: withThresholds({ review: 0.01 }) });
    assert.equal(strict.assess('Signed and shared with my neighbours.').decision, 'review');
  });

  it('a score exactly at a threshold takes that decision', () => {
    const score = assess('you are not a smart person').score;
    const guard = createCivilityGuard({ config: withThresholds({ review: score, block: 0.99 }) });
    assert.equal(guard.assess('you are not a smart person').decision, 'review');
    const blocking = createCivilityGuard({ config: withThresholds({ review: 0.1, block: score }) });
    assert.equal(blocking.assess('you are not a smart person').decision, 'block');
  });

  it('allows a call to action to write to "your MP", and still holds abuse written in one', () => {
    for (const text of [
      'Hi Sam,\n\nYour MP decides this month. Write to them from our letters page — it takes two minutes.',
      'Hi friend,\n\nYour MP decides this month. Write to them from our letters page.',
      'Your councillor votes on the bus cuts on Tuesday. Email them today and ask them to think again.',
      'Ring your MP and ask where they stand on the library.',
    ])
      assert.equal(assess(text).decision, 'allow', text);
    assert.notEqual(assess('Write to your MP and tell them they are vermin.').decision, 'allow');
    assert.equal(
      assess('Email your councillor today: I will hurt you if you vote for this.').decision,
      'block',
    );
  });

  it('orders texts a rule caught by the model, without moving any across a threshold', () => {
    const insult = assess('you are not a smart person');
    assert.ok(insult.score >= CIVILITY_CONFIG.ruleScores.negatedPraise, String(insult.score));
    assert.ok(insult.score < CIVILITY_CONFIG.thresholds.block, String(insult.score));
    assert.equal(insult.decision, 'review');
  });

  it('rejects thresholds out of order or out of range', () => {
    assert.throws(() => withThresholds({ review: 0.9, block: 0.5 }), /review ≤ block/);
    assert.throws(() => withThresholds({ block: 1.5 }), /review ≤ block/);
  });

  it('spans point at the characters of the original text, spelling tricks included', () => {
    const text = 'Well, honestly: you are an 1d10t!!';
    const result = assess(text);
    const span = result.spans.find((s) => s.label === 'abuse');
    assert.ok(span);
    assert.equal(text.slice(span.start, span.end), 'you are an 1d10t');
    assert.equal(span.text, 'you are an 1d10t');

    const spaced = 'ok then f u c k you';
    const hit = assess(spaced).spans.find((s) => s.label === 'profanity');
    assert.ok(hit);
    assert.equal(spaced.slice(hit.start, hit.end), 'f u c k');

    const threat = 'Listen. I will kill you.';
    const t = assess(threat).spans.find((s) => s.label === 'threat');
    assert.equal(t?.text, 'I will kill you');
  });

  it('explains a model-only decision with the words it weighs most', () => {
    const result = assess('they are such shit');
    assert.equal(result.decision, 'review');
    assert.ok(result.spans.some((s) => s.text === 'shit'));
    assert.deepEqual(
      result.reasons.map((r) => r.rule),
      ["the model's reading of the words"],
    );
  });

  it('lets swearing at nobody through: the model counts for less without a target', () => {
    assert.equal(assess('shit happens').decision, 'allow');
    assert.equal(assess('Fucking hell, the bus is late again.').decision, 'allow');
  });

  it('explains a hold with the rule and the target it found', () => {
    const reasons = assess('Jews are a plague on this country').reasons;
    assert.ok(
      reasons.some((r) => r.label === 'hate' && r.target === 'Jews'),
      JSON.stringify(reasons),
    );
    const threat = assess('I hope someone stabs Councillor Webb').reasons;
    assert.ok(threat.some((r) => r.label === 'threat' && r.target === 'a person'));
    assert.deepEqual(assess('Signed and shared with my neighbours.').reasons, []);
  });

  it('is local, synchronous and bounded for very long text', () => {
    const prefix = 'Thanks for organising the meeting. '.repeat(400).slice(0, MAX_ASSESSED_CHARS);
    const long = `${prefix} I will kill you`;
    assert.equal(assess(`${prefix.slice(0, 200)} I will kill you`).decision, 'block');
    const result = assess(long);
    assert.deepEqual(result, assess(prefix), 'only the first MAX_ASSESSED_CHARS are read');
    assert.ok(result.score >= 0 && result.score <= 1);
  });
});

function runCli(input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/rally.js', 'civility', 'assess'], {
      cwd: ROOT,
      // An unreachable database proves the command never opens one.
      env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('rally civility assess', () => {
  it('writes one JSON result per input line, plain text or JSON lines', async () => {
    const { code, stdout, stderr } = await runCli(
      'you are an idiot\n{"text":"I will kill you"}\nThanks for organising this.\n',
    );
    assert.equal(code, 0, stderr);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 3);
    assert.deepEqual(Object.keys(lines[0]!).sort(), ['decision', 'labels', 'score']);
    assert.equal(lines[0]!.decision, 'block');
    assert.deepEqual(lines[1]!.labels, ['threat']);
    assert.equal(lines[2]!.decision, 'allow');
  });

  it('reports a JSON line without text and exits 1', async () => {
    const { code, stdout } = await runCli('{"body":"x"}\nhello\n');
    assert.equal(code, 1);
    const lines = stdout.trim().split('\n');
    assert.deepEqual(JSON.parse(lines[0]!), { error: 'JSON line without a "text" string' });
    assert.equal((JSON.parse(lines[1]!) as { decision: string }).decision, 'allow');
  });
});
