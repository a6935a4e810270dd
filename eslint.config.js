import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.build/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error'
    }
  },
  {
    // Only the ECR modules may import the AWS SDK (ecr-public.ts is ecr.ts's ECR Public half, split
    // off to be loaded on demand); the emulator never reaches the bundle.
    files: ['src/**/*.ts'],
    ignores: ['src/ecr.ts', 'src/ecr-public.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*'],
              message: 'Only src/ecr.ts and src/ecr-public.ts talk to the AWS SDK.'
            },
            { group: ['**/emulator/**'], message: 'The emulator is test tooling, never bundled.' }
          ]
        }
      ]
    }
  }
)
