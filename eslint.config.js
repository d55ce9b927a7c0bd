// Type-aware linting: the rules that matter here (floating promises, promises where a callback
// expects void) need the TypeScript program, so every linted file must be in tsconfig.json.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.lifeboat/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Time comes from the injected clock (decisions, records) or the monotonic stopwatch (elapsed work), never straight from the host.
    files: ['src/**/*.ts'],
    ignores: ['src/domain/clock.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Use the runtime clock (clock.now()) or stopwatch() from domain/clock.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Use the runtime clock (clock.now()) or stopwatch() from domain/clock.' },
      ],
    },
  },
);
