// The direction of main's layers, as a lint rule: app | web | cli → services → sync → store
// (→ shared, which imports nothing of the app). A file may import its own layer and the layers
// to its right, never to its left, and the three shells never import each other. The same
// table is checked on the source tree by tests/unit/layers/imports.test.ts.
import { dirname, relative, resolve, sep } from 'node:path';

export const LAYER_ORDER = { app: 0, web: 0, cli: 0, services: 1, sync: 2, store: 3 };
const DIRECTION = 'app | web | cli → services → sync → store → shared';

function layerOf(file, root) {
  const parts = relative(root, file).split(sep);
  return parts[0] === 'main' && parts[1] in LAYER_ORDER && parts.length > 2 ? parts[1] : null;
}

export function forbiddenImport(fromFile, specifier, root) {
  if (!specifier.startsWith('.')) return null;
  const from = layerOf(fromFile, root);
  if (from === null) return null;
  const to = layerOf(resolve(dirname(fromFile), specifier), root);
  if (to === null || to === from) return null;
  return LAYER_ORDER[to] <= LAYER_ORDER[from] ? { from, to } : null;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: `main's layers import only in the direction ${DIRECTION}` },
    schema: [],
    messages: { wrongWay: 'main/{{from}} may not import main/{{to}}: the layers go {{direction}}.' },
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string') return;
      const found = forbiddenImport(file, source.value, root);
      if (found) context.report({ node, messageId: 'wrongWay', data: { ...found, direction: DIRECTION } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0]);
      },
    };
  },
};

export default { rules: { direction: rule } };
