// Generated inputs: thousands of malformed values, each refused with an error naming its input,
// before any AWS call; and well-formed values, always accepted.
import { describe, expect, test } from '@jest/globals'
import { useEmulator } from '../__fixtures__/emulator.js'
import fc from 'fast-check'
import { runAction } from '../__fixtures__/run-action.js'
import { InputError } from '../src/inputs/index.js'
import { parseInputs } from '../src/inputs/index.js'

const lower = 'abcdefghijklmnopqrstuvwxyz0123456789'
const tagChars = `${lower}ABCDEFGHIJKLMNOPQRSTUVWXYZ_.-`
const component = fc.string({ unit: fc.constantFrom(...lower), minLength: 1, maxLength: 12 })
const validRepository = fc
  .array(
    fc.tuple(
      component,
      fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '--'), component), { maxLength: 2 })
    ),
    {
      minLength: 1,
      maxLength: 3
    }
  )
  .map((parts) =>
    parts.map(([head, rest]) => head + rest.map(([sep, c]) => sep + c).join('')).join('/')
  )
  .filter((name) => name.length >= 2 && name.length <= 256)
const validTag = fc.string({ unit: fc.constantFrom(...tagChars), minLength: 1, maxLength: 300 })
const hex = fc.string({
  unit: fc.constantFrom(...'0123456789abcdef'),
  minLength: 64,
  maxLength: 64
})
const validDigest = hex.map((h) => `sha256:${h}`)

/** Characters that no repository, tag, digest or account id may hold, list separators aside. */
const hostile = fc.oneof(
  fc.constantFrom(
    ' ',
    '\t',
    '$',
    ';',
    '|',
    '&',
    '`',
    '"',
    "'",
    '<',
    '>',
    '(',
    ')',
    '{',
    '}',
    '[',
    ']',
    '*',
    '?',
    '!',
    '#',
    '%',
    '~',
    '^',
    '=',
    '+',
    '\\',
    '\u0000',
    '\u200b',
    'é',
    'Ω',
    '漢',
    '🚀'
  ),
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 3 })
    .filter((s) => /[^\x20-\x7e]/.test(s) && !/[\r\n,]/.test(s))
)
const injections = fc.constantFrom(
  '$(whoami)',
  '`id`',
  '; rm -rf /',
  '%0A::set-output name=digest::x',
  '../../etc/passwd',
  '${{ secrets.X }}',
  "' OR 1=1 --"
)

/** A well-formed value spoiled from the inside, so trimming cannot repair it. */
function spoil(
  valid: fc.Arbitrary<string>,
  bad: fc.Arbitrary<string> = fc.oneof(hostile, injections)
): fc.Arbitrary<string> {
  return fc
    .tuple(
      valid.filter((v) => v.length >= 2),
      bad,
      fc.nat()
    )
    .map(([value, inject, at]) => {
      const i = 1 + (at % (value.length - 1))
      return value.slice(0, i) + inject + value.slice(i)
    })
}

const base = { repository: 'app', 'source-tag': 'staging', tags: 'prod', region: 'us-east-1' }

const malformed: Array<[string, fc.Arbitrary<string>]> = [
  [
    'repository',
    fc.oneof(
      spoil(validRepository),
      validRepository.map((name) => name.toUpperCase()).filter((name) => /[A-Z]/.test(name)),
      validRepository.map((name) => `${name}/`),
      validRepository.map((name) => `-${name}`),
      fc.constant('a'),
      fc.string({ unit: fc.constantFrom(...lower), minLength: 257, maxLength: 400 }),
      validRepository.map((name) => `registry.example.com:5000/${name}`),
      validRepository.map((name) => `12345678901.dkr.ecr.us-east-1.amazonaws.com/${name}`)
    )
  ],
  [
    'source-tag',
    fc.oneof(
      spoil(validTag),
      fc.string({ unit: fc.constantFrom(...tagChars), minLength: 301, maxLength: 400 })
    )
  ],
  [
    'tags',
    fc.oneof(
      spoil(validTag),
      fc.tuple(validTag, spoil(validTag)).map(([ok, bad]) => `${ok},\n${bad}`),
      fc.constantFrom('', ' ', ',', '\n,\n')
    )
  ],
  [
    'source-digest',
    fc.oneof(
      spoil(validDigest),
      hex.map((h) => `sha512:${h}`),
      hex.map((h) => `sha256:${h.toUpperCase()}`).filter((d) => /[A-F]/.test(d)),
      hex.map((h) => `sha256:${h.slice(1)}`)
    )
  ],
  [
    'expected-digest',
    fc.oneof(
      spoil(validDigest),
      validTag.filter((t) => !t.startsWith('sha256:'))
    )
  ],
  [
    'registry-id',
    fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 11 }),
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 13, maxLength: 20 }),
      spoil(fc.constant('123456789012'))
    )
  ],
  [
    'region',
    fc.oneof(
      spoil(fc.constant('us-east-1')),
      fc.constantFrom('US-EAST-1', 'useast1', 'us-east', 'mars')
    )
  ],
  ['target-repository', spoil(validRepository)],
  ['target-region', spoil(fc.constant('eu-west-1'))],
  ['dry-run', fc.constantFrom('yes', 'no', '1', '0', 'on', 'tru', 'TRUE!', 'falsey')],
  [
    'protect-tags',
    spoil(
      fc.constant('release-*'),
      hostile.filter((c) => c !== '*' && c !== '?')
    )
  ]
]

describe('malformed inputs', () => {
  test.each(malformed)(
    'every malformed %s is refused with an error naming it',
    async (input, values) => {
      await fc.assert(
        fc.asyncProperty(values, async (value) => {
          const inputs: Record<string, string> = { ...base, [input]: value }
          try {
            await parseInputs((name) => (inputs[name] ?? '').trim(), { env: {} })
          } catch (error) {
            expect(error).toBeInstanceOf(InputError)
            expect((error as InputError).input).toBe(
              input === 'source-tag' && value.trim() === '' ? 'source-tag' : input
            )
            expect(
              (error as Error).message.startsWith(`Input "${(error as InputError).input}": `)
            ).toBe(true)
            expect((error as Error).message).not.toMatch(/[\r\n]/)
            return
          }
          throw new Error(`accepted malformed ${input}: ${JSON.stringify(value)}`)
        }),
        { numRuns: 400 }
      )
    }
  )

  test('well-formed inputs are always accepted, as given', async () => {
    await fc.assert(
      fc.asyncProperty(
        validRepository,
        validTag,
        fc.array(validTag, { minLength: 1, maxLength: 20 }),
        validDigest,
        async (repository, sourceTag, tags, digest) => {
          const inputs: Record<string, string> = {
            repository,
            'source-tag': sourceTag,
            tags: tags.join('\n'),
            'expected-digest': digest,
            region: 'ap-southeast-2'
          }
          const parsed = await parseInputs((name) => (inputs[name] ?? '').trim(), { env: {} })
          const [image] = parsed.request.images
          expect(image!.source).toEqual({ name: repository, region: 'ap-southeast-2' })
          expect(image!.tags).toEqual([...new Set(tags)])
          expect(image!.expectedDigest).toBe(digest)
        }
      ),
      { numRuns: 500 }
    )
  })
})

describe('the action with malformed inputs, against the local ECR', () => {
  const emulator = useEmulator({ seed: true, inProcess: true })

  test('fails with one error naming the input, sets no output, and sends ECR nothing', async () => {
    const cases = fc.sample(
      fc.oneof(
        ...malformed.map(([input, values]) => values.map((value) => [input, value] as const))
      ),
      { numRuns: 1000, seed: 42 }
    )
    for (const [input, value] of cases) {
      const run = await runAction({ ...base, repository: 'demo/app', [input]: value })
      expect(run.exitCode).toBe(1)
      const lines = run.stdout.split('\n').filter(Boolean)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/^::error::Input "[a-z-]+": /)
      // The outputs say that nothing happened, and which input was at fault.
      expect(run.outputs).toMatchObject({ changed: 'false', images: '', digest: '' })
      expect(JSON.parse(run.outputs.result!)).toMatchObject({ status: 'input-error', input })
    }
    expect(emulator.log).toHaveLength(0)
  })
})
