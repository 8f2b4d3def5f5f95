// Lint, mainly to enforce the layers (see ../docs/architecture.md): a wrong import
// arrow fails CI instead of waiting for review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process'], message: 'renderer/ and shared/ run without Node: ask main through the contract.' };
const nativeDeps = { group: ['better-sqlite3', 'libsodium-wrappers-sumo', 'electron'], message: 'Only main and core may touch native modules, crypto and Electron.' };
// What core may not import (the CLI and the headless deletion run it without Electron), and
// what the layers beneath the features may not import besides.
const corePaths = [
  { name: 'electron', message: 'core must run without Electron (CLI, tests, headless deletion).' },
  { name: 'libsodium-wrappers-sumo', message: 'libsodium is imported only in electron/core/crypto/sodium.ts.' },
];
const corePatterns = { group: ['**/renderer/**', '**/main/**', '**/cli/**'], message: 'core imports only core and shared.' };
const beneathFeatures = { group: ['**/services/**', '../services', '../services/*'], message: 'crypto, vault, stores and consent sit beneath the features: a feature registers with them (vault/participant-data.ts), they never import one.' };
const intoElectron = { group: ['**/electron/**', '../electron/*'], message: 'renderer/ and shared/ may not import main-process code.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.native/**'] },
  js.configs.recommended,
  {
    files: ['bin/**/*.js', 'scripts/**/*.{js,mjs}', '.ci/**/*.js'],
    languageOptions: { globals: { URL: 'readonly', process: 'readonly', console: 'readonly' } },
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'log'] }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/core/crypto/sodium.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'libsodium-wrappers-sumo', message: 'libsodium is imported only in electron/core/crypto/sodium.ts.' }],
          patterns: [{ group: ['**/renderer/**'], message: 'main-process code never imports the renderer.' }],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    ignores: ['electron/core/crypto/sodium.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: corePaths, patterns: [corePatterns] }] },
  },
  {
    // The layers beneath the features: crypto, the vault, the stores and the consent model
    // know no feature (services/ sits on them, never the other way).
    files: ['electron/core/{crypto,vault,stores,consent}/**/*.ts'],
    ignores: ['electron/core/crypto/sodium.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: corePaths, patterns: [corePatterns, beneathFeatures] }] },
  },
  {
    // A folder per feature: nothing loose in services/ but the index (the registry of participant data).
    files: ['electron/core/services/*.ts'],
    ignores: ['electron/core/services/index.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: 'Program', message: 'core/services/ holds a folder per feature; put this file in its feature\'s folder.' }] },
  },
  {
    files: ['electron/main/handlers.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'the handler table is shared with the test harness: no Electron here.' }] }],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/core/**', '**/main/**', 'node:*', 'zod'], message: 'preload is contextBridge only.' }] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [nodeBuiltins, nativeDeps, intoElectron] }] },
  },
  {
    // A feature is reached through its index (its public surface), never into its files;
    // what several features use lives in components/.
    files: ['renderer/src/features/**/*.{ts,tsx}', 'renderer/src/app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeBuiltins, nativeDeps, intoElectron, { regex: '^(\\.\\./(?!features/|components/|i18n/)[^./][^/]*|(\\.\\./)+features/[^/]+)/', message: "import another feature through its index ('../<feature>'), or move what both use to components/." }] }],
    },
  },
  {
    files: ['renderer/src/components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeBuiltins, nativeDeps, intoElectron, { group: ['**/features/**', '**/features'], message: 'components/ serve every feature and know none.' }] }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeBuiltins, nativeDeps, intoElectron, { group: ['react', 'react-dom', '**/renderer/**'], message: 'shared/ holds no UI.' }] }],
    },
  },
);
