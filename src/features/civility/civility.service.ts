/**
 * The civility guard: one synchronous, local call that other features make before publishing or
 * sending text. It combines a small trained model (model.ts) with a lexicon and rules (rules.ts)
 * and says which characters made it object.
 */
import { CIVILITY_CONFIG, type CivilityConfig } from './civility.config.js';
import { tokenPositions, wordFeature } from './features.js';
import { CivilityModel } from './model.js';
import { normalise, originalRange, personNames } from './normalise.js';
import {
  type CivilityLabel,
  RULE_WORDS,
  allZones,
  findHits,
  isMention,
  mentionZones,
} from './rules.js';
import { blankCallsToAction, blankIdioms, hasTarget } from './target-rules.js';

export type CivilityDecision = 'allow' | 'review' | 'block';

export interface CivilitySpan {
  start: number;
  end: number;
  label: string;
  text: string;
}

/** Why a text was held or blocked: one entry per rule that fired (or the model). */
export interface CivilityReason {
  label: CivilityLabel;
  /** The rule in plain words ("a slur against Jews", "the model's reading of the words"). */
  rule: string;
  /** The words that triggered it, as written. */
  words: string;
  /** "a person", or a group's name, when the rule could tell. */
  target?: string;
}

export interface CivilityAssessment {
  score: number;
  labels: CivilityLabel[];
  spans: CivilitySpan[];
  decision: CivilityDecision;
  /** Empty when the text is allowed with nothing to flag. */
  reasons: CivilityReason[];
}

/** Longer texts are assessed on their first MAX_ASSESSED_CHARS characters (keeps cost bounded). */
export const MAX_ASSESSED_CHARS = 10_000;

const LABEL_ORDER: CivilityLabel[] = ['threat', 'hate', 'abuse', 'profanity'];

export interface CivilityGuard {
  readonly config: CivilityConfig;
  readonly calibration?: CivilityCalibration;
  assess(text: string): CivilityAssessment;
}

/** A campaign's calibration: score s becomes sigmoid(slope · logit(s) + intercept). */
export interface CivilityCalibration {
  slope: number;
  intercept: number;
}

/** Keeps logit finite for scores of exactly 0 or 1. */
const SCORE_EPSILON = 1e-4;

export function logit(score: number): number {
  const s = Math.min(1 - SCORE_EPSILON, Math.max(SCORE_EPSILON, score));
  return Math.log(s / (1 - s));
}

export function calibrate(score: number, c: CivilityCalibration | undefined): number {
  if (!c) return score;
  return 1 / (1 + Math.exp(-(c.slope * logit(score) + c.intercept)));
}

export function createCivilityGuard(
  options: {
    config?: CivilityConfig;
    model?: CivilityModel;
    calibration?: CivilityCalibration;
  } = {},
): CivilityGuard {
  const config = options.config ?? CIVILITY_CONFIG;
  const model = options.model ?? CivilityModel.load();
  const calibration = options.calibration;

  function decide(score: number): CivilityDecision {
    if (score >= config.thresholds.block) return 'block';
    if (score >= config.thresholds.review) return 'review';
    return 'allow';
  }

  /** Blanks mentioned ranges so the model does not score the abuse a text is condemning. */
  function withoutMentions(folded: string, ranges: [number, number][]): string {
    if (ranges.length === 0) return folded;
    const chars = folded.split('');
    for (const [start, end] of ranges) for (let i = start; i < end; i++) chars[i] = ' ';
    return chars.join('');
  }

  function assess(input: string): CivilityAssessment {
    const text = input.length > MAX_ASSESSED_CHARS ? input.slice(0, MAX_ASSESSED_CHARS) : input;
    const norm = normalise(text);
    const folded = blankIdioms(norm.text);
    const innocent: [number, number][] = [];
    let hits = findHits(folded, innocent, personNames(text, norm));
    const zones = mentionZones(folded);
    const mentioned: [number, number][] = [...innocent];
    if (zones) {
      hits = hits.filter((h) => !isMention(h, zones));
      mentioned.push(...allZones(zones));
    }
    // The model alone can hold a text for review but not block it: blocking needs a rule or a
    // lexicon hit the writer can be shown. Scaling keeps the model's ranking intact.
    // Swearing at nobody ("fucking hell, the bus is late") is not abuse: without a person or a
    // group in view the model's score counts for less.
    const forModel = blankCallsToAction(withoutMentions(folded, mentioned));
    const modelScore = Math.min(
      CIVILITY_CONFIG.thresholds.block - 1e-4,
      model.score(forModel) *
        config.modelWeight *
        (hasTarget(forModel) ? 1 : config.untargetedModelFactor),
    );

    let ruleScore = 0;
    const labels = new Set<CivilityLabel>();
    for (const hit of hits) {
      if (hit.kind !== 'profanity') ruleScore = Math.max(ruleScore, config.ruleScores[hit.kind]);
      labels.add(hit.label);
    }
    let score = Math.max(modelScore, ruleScore);
    if (ruleScore > 0 && ruleScore >= modelScore) {
      // Among texts a rule caught, the model's reading orders them (a moderator's queue, the
      // ROC curve) without moving any across a default threshold: the rule still decides. The
      // default thresholds, not the campaign's, so a text's score never depends on a campaign.
      const { review, block } = CIVILITY_CONFIG.thresholds;
      const ceiling = ruleScore >= block ? 1 : ruleScore >= review ? block : review;
      score = Math.min(ceiling - 1e-4, ruleScore + config.modelTieBreak * modelScore);
    }
    const ruleSpans = hits.map((h) => ({ label: h.label, start: h.start, end: h.end }));
    const reasons: CivilityReason[] = hits
      .filter((h) => h.kind !== 'profanity')
      .map((h) => {
        const [start, end] = originalRange(norm, h.start, h.end);
        return {
          label: h.label,
          rule: h.rule ?? RULE_WORDS[h.kind],
          words: text.slice(start, end),
          ...(h.target ? { target: h.target } : h.directed ? { target: 'the reader' } : {}),
        };
      });
    if (modelScore >= config.thresholds.review && !hits.some((h) => h.kind !== 'profanity')) {
      labels.add('abuse');
      const spans = modelSpans(folded, mentioned);
      ruleSpans.push(...spans);
      reasons.push({
        label: 'abuse',
        rule: "the model's reading of the words",
        words: spans.map((s) => text.slice(...originalRange(norm, s.start, s.end))).join(', '),
      });
    }

    const seen = new Set<string>();
    const spans: CivilitySpan[] = [];
    for (const s of ruleSpans.sort((a, b) => a.start - b.start || b.end - a.end)) {
      const [start, end] = originalRange(norm, s.start, s.end);
      const key = `${start}:${end}:${s.label}`;
      if (seen.has(key)) continue;
      seen.add(key);
      spans.push({ start, end, label: s.label, text: text.slice(start, end) });
    }
    score = Math.round(calibrate(score, calibration) * 10000) / 10000;
    return {
      score,
      labels: LABEL_ORDER.filter((l) => labels.has(l)),
      spans,
      decision: decide(score),
      reasons: dedupeReasons(reasons),
    };
  }

  /** The words with the largest positive model weight, so a model-only decision is explained. */
  function modelSpans(folded: string, mentioned: [number, number][]) {
    const candidates = tokenPositions(folded)
      .filter((t) => !mentioned.some(([s, e]) => t.start >= s && t.end <= e))
      .map((t) => ({ ...t, weight: model.weightOf(wordFeature(t.token, model.bits)) }))
      .filter((t) => t.weight > 0)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, config.modelSpans);
    return candidates.map((t) => ({ label: 'abuse' as const, start: t.start, end: t.end }));
  }

  return { config, assess, ...(calibration ? { calibration } : {}) };
}

/** One reason per rule, label and target: overlapping matches of one rule say the same thing. */
function dedupeReasons(reasons: CivilityReason[]): CivilityReason[] {
  const seen = new Map<string, CivilityReason>();
  for (const r of reasons) {
    const key = `${r.label}|${r.rule}|${r.target ?? ''}`;
    const before = seen.get(key);
    if (!before) seen.set(key, { ...r });
    else if (!before.words.includes(r.words)) before.words = `${before.words}; ${r.words}`;
  }
  return [...seen.values()];
}

let defaultGuard: CivilityGuard | undefined;

/**
 * Why the guard objects to a text, for pages that show text it held earlier (a moderation
 * queue): what the rules find does not depend on a campaign's thresholds.
 */
export function explainText(text: string): CivilityReason[] {
  defaultGuard ??= createCivilityGuard();
  return defaultGuard.assess(text).reasons;
}

/** The guard with the committed model and CIVILITY_CONFIG, loaded on first use. */
export function assess(text: string): CivilityAssessment {
  defaultGuard ??= createCivilityGuard();
  return defaultGuard.assess(text);
}
