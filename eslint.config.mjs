import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'ops/kafka/lib/', 'ops/*/run/', 'coverage/'] },
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
  {
    files: [
      'services/**/*.ts',
      'connectors/**/*.ts',
      'events/**/*.ts',
      'domain/**/*.ts',
      'formats/**/*.ts',
      'lib/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(hub|cli)(/|$)',
              message: 'the composition root (hub/) and the CLI (cli/) import the services, never the reverse',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['services/transfer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+(hub|cli)(/|$)', message: 'services never import hub/ or cli/' },
            { regex: '(^|/)screening(/|$)', message: 'transfer and screening talk through events, never by import' },
          ],
        },
      ],
    },
  },
  {
    files: ['services/screening/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+(hub|cli)(/|$)', message: 'services never import hub/ or cli/' },
            { regex: '(^|/)transfer(/|$)', message: 'screening and transfer talk through events, never by import' },
          ],
        },
      ],
    },
  },
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
