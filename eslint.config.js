import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// The layers of src/, highest first. A layer may import the layers below it, never one above, and
// another folder only through its index.ts. Each entry says which runtimes it may use.
const LAYERS = [
  { folder: 'action', runtimes: ['@actions/*'] },
  { folder: 'cli', runtimes: [] },
  { folder: 'session', runtimes: [] },
  { folder: 'inputs', runtimes: [] },
  { folder: 'promotion', runtimes: [] },
  { folder: 'copy', runtimes: [] },
  { folder: 'registry', runtimes: ['@aws-sdk/*', '@smithy/*'] },
  { folder: 'oci', runtimes: [] }
]
const FACES = ['action', 'cli']
const RUNTIMES = {
  '@aws-sdk/*': 'Only src/registry/ talks to AWS: use the Registry seam.',
  '@smithy/*': 'Only src/registry/ talks to AWS: use the Registry seam.',
  '@actions/*': 'Only the GitHub face (src/action/) knows the Actions runtime.'
}

function layerRules({ folder, runtimes }, index) {
  // Faces sit side by side: neither imports the other.
  const above = LAYERS.slice(0, index)
    .map((layer) => layer.folder)
    .concat(FACES.includes(folder) ? FACES.filter((face) => face !== folder) : [])
    // For the second face the first is both above it and beside it; ESLint refuses it twice.
    .filter((name, i, names) => names.indexOf(name) === i)
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...Object.entries(RUNTIMES)
              .filter(([group]) => !runtimes.includes(group))
              .map(([group, message]) => ({ group: [group], message })),
            ...(above.length > 0
              ? [
                  {
                    group: above.map((name) => `**/${name}/**`),
                    message: `src/${folder}/ may not import a layer above it (faces -> session -> inputs -> promotion -> copy -> registry -> oci).`
                  }
                ]
              : []),
            {
              // Another folder's module other than its index.js, from a folder or its subfolder;
              // data from the repository's root (package.json, schema/) is not a layer.
              regex: '^\\.\\./(?:\\.\\./)*(?!schema/)[^./][^/]*/(?!index\\.js$).+$',
              message:
                "Import another folder through its index.ts, which is that folder's interface."
            },
            { group: ['**/emulator/**'], message: 'The emulator is test tooling, never bundled.' }
          ]
        }
      ]
    }
  }
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.build/', 'bench/tmp/'] },
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
    files: ['src/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...Object.entries(RUNTIMES).map(([group, message]) => ({ group: [group], message })),
            { group: ['**/emulator/**'], message: 'The emulator is test tooling, never bundled.' }
          ]
        }
      ]
    }
  },
  ...LAYERS.map(layerRules)
)
