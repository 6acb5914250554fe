// ESLint: typescript-eslint's recommended type-checked rules on the TypeScript sources and tests,
// ESLint's recommended rules on the JavaScript scripts; formatting is Prettier's job (see .prettierrc.json).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'coverage/',
      '.tmp/',
      '**/node_modules/',
      'sample/',
      'test/packaging/consumer/',
      'test/fixtures/',
    ],
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // An async method that does not await still implements a Promise-returning interface and turns throws into rejections.
      '@typescript-eslint/require-await': 'off',
      // Unused parameters keep a documented signature (e.g. a guard hook a subclass overrides): prefix them with _.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      // jest's expect(obj.method).toHaveBeenCalled() style reads methods off objects on purpose.
      '@typescript-eslint/unbound-method': 'off',
      // supertest's res.body and JSON.parse results are `any` by design: tests read and assert on them directly.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests build malformed payloads by writing anywhere into a parsed copy.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  prettier,
);
