import type { Rule } from 'eslint';

/** See layers.js. */
export declare const layersRule: Rule.RuleModule;
