import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** no-restricted-imports for `files`: never hub/ or cli/, and never the services named in `otherServices`. */
function layoutRule(files, otherServices = []) {
  const patterns = [
    {
      regex: '^(\\.\\./)+(hub|cli)(/|$)',
      message: 'the composition root (hub/) and the CLI (cli/) import the services, never the reverse',
    },
  ];
  // A sibling service is only reached by climbing out of this one: `../store/` is the store service, while
  // `../../events/store/` (the event store) is not.
  for (const other of otherServices)
    patterns.push({
      regex: `^(\\.\\./)+(services/)?${other}(/|$)`,
      message: `services talk through events, never by import: not ${other} from here`,
    });
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

export default tseslint.config(
  { ignores: ['node_modules/', '.mxhub-build/', 'console/dist/', 'ops/kafka/lib/', 'ops/*/run/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // The layout is the architecture (../shared/style.md, rule 1): services talk through events, never by importing
  // each other, and nothing below the composition root imports it (hub/) or the CLI.
  layoutRule([
    'services/**/*.ts',
    'connectors/**/*.ts',
    'events/**/*.ts',
    'domain/**/*.ts',
    'formats/**/*.ts',
    'lib/**/*.ts',
  ]),
  layoutRule(['services/transfer/**/*.ts'], ['screening', 'store']),
  layoutRule(['services/screening/**/*.ts'], ['transfer', 'store']),
  layoutRule(['services/store/**/*.ts'], ['screening', 'transfer', 'usage']),
  layoutRule(['services/media/**/*.ts'], ['screening', 'transfer', 'store']),
  layoutRule(['services/catalog/**/*.ts'], ['screening', 'transfer', 'store', 'usage', 'media']),
  layoutRule(['services/usage/**/*.ts'], ['screening', 'transfer', 'store', 'media', 'catalog', 'audit']),
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
