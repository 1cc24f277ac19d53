// The repository's lint rules, plus Node's globals for this package's plain .mjs build scripts
// (the TypeScript files get theirs from the compiler).
import root from '../../eslint.config.mjs';

const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'performance',
    'structuredClone',
    'setTimeout',
    'clearTimeout',
    'fetch',
    'window',
    'document',
  ].map((name) => [name, 'readonly']),
);

export default [
  ...root,
  { ignores: ['test-output/**'] },
  { files: ['**/*.mjs'], languageOptions: { globals: nodeGlobals } },
];
