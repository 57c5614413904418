// The layer rule (run by `npm run check`): infra never imports a feature, and a feature reaches
// another feature only through its public API: its `*.service.ts` files (rules and data) and
// `*.views.ts` files (shared HTML pieces such as the guard's highlighted spans). Tests and the
// composition root (src/features/index.ts, src/app.ts, src/cli) are exempt.
import { dirname, relative, resolve, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, '..', 'src');
const PUBLIC_API = /\.(service|views)\.(js|ts)$/;
const EXEMPT = /\.test\.ts$|\.test-support\.ts$/;
/** Modules above the features that infra must not depend on either. */
const ROOT_MODULES = new Set(['app', 'server', 'demo-seed']);

/** 'features/petitions/x.ts' → 'petitions'; nested folders belong to their top feature. */
function locate(absolute) {
  const rel = relative(SRC, absolute).split(sep);
  if (rel[0] === '..') return { layer: 'outside' };
  if (rel[0] === 'features' && rel.length > 2) return { layer: 'feature', feature: rel[1] };
  if (rel[0] === 'features') return { layer: 'features-root' };
  if (rel[0] === 'infra') return { layer: 'infra' };
  if (rel[0] === 'cli' || ROOT_MODULES.has(rel[0].replace(/\.(js|ts)$/, '')))
    return { layer: 'root' };
  return { layer: 'shared' }; // config.ts
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep infra below features, and features apart from one another' },
    schema: [],
    messages: {
      infraImportsFeature:
        'infra is shared and feature-agnostic: it must not import "{{source}}". Let the feature hand it in (Feature contract, Services).',
      featureInternals:
        'The {{feature}} feature reaches into {{other}}\'s internals ("{{source}}"). Import its *.service.ts (its public API) instead, or export what you need from there.',
    },
  },
  create(context) {
    const filename = context.filename;
    if (EXEMPT.test(filename)) return {};
    const from = locate(filename);
    if (from.layer !== 'infra' && from.layer !== 'feature') return {};
    function check(node) {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = locate(resolve(dirname(filename), source));
      if (from.layer === 'infra' && ['feature', 'features-root', 'root'].includes(target.layer))
        context.report({ node, messageId: 'infraImportsFeature', data: { source } });
      if (
        from.layer === 'feature' &&
        target.layer === 'feature' &&
        target.feature !== from.feature &&
        !PUBLIC_API.test(source)
      )
        context.report({
          node,
          messageId: 'featureInternals',
          data: { source, feature: from.feature, other: target.feature },
        });
      if (from.layer === 'feature' && target.layer === 'features-root')
        context.report({
          node,
          messageId: 'featureInternals',
          data: { source, feature: from.feature, other: 'the feature list' },
        });
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
