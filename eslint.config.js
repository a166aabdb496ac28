// Lint rules, including the layer rules: only main/app imports electron; SQL drivers only in
// main/store; shared/ imports nothing from node, the DOM side or main; the renderer reaches the
// transport only through renderer/api; inside main, imports go app | web | cli → services →
// sync → store (eslint-rules/layers.js).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import layers from './eslint-rules/layers.js';

const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.test-output/**', 'bench-results/**', 'native-electron/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: ['main/app/**'],
    rules: {
      'no-restricted-imports': restrict([{ group: ['electron'], message: 'Only main/app may import electron.' }]),
    },
  },
  {
    files: ['main/services/**', 'main/sync/**', 'main/web/**', 'main/cli/**'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['electron'], message: 'Only main/app may import electron.' },
        { group: ['better-sqlite3*'], allowTypeImports: true, message: 'SQL lives in main/store.' },
        { group: ['**/renderer/**'], message: 'main does not import the renderer.' },
      ]),
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['node:*', 'fs', 'path', 'crypto', 'os', 'electron', 'better-sqlite3*'],
          message: 'shared/ is pure: no Node, no Electron.',
        },
        { group: ['**/main/**', '**/renderer/**'], message: 'shared/ depends on nothing else in the app.' },
      ]),
    },
  },
  {
    files: ['renderer/**'],
    ignores: ['renderer/api/**'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['**/api/transport*'], message: 'Components use renderer/api/hooks, never the transport.' },
        { group: ['**/main/**', 'electron', 'node:*'], message: 'The renderer only talks to main through renderer/api.' },
      ]),
    },
  },
  {
    // `import { z } from 'zod'` reaches zod's `z` as one object, so a bundle keeps all of it,
    // 64 locales included (a fifth of the CLI's bundle, parsed on every start); the namespace
    // import lets esbuild and Vite keep only what is used.
    files: ['**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z']",
          message: "Import zod as a namespace: import * as z from 'zod'.",
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    plugins: { layers },
    rules: { 'layers/direction': 'error' },
  },
  {
    files: ['tests/**', 'scripts/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
