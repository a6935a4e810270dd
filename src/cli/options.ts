// The command line's options: one per input of the table, named as the input is, and the few only a
// command line has. Any problem with them is one UsageError naming the option, before anything runs.
import { parseArgs } from 'node:util'
import { INPUTS, quote, type InputReader, type InputSpec } from '../inputs/index.js'

/** An option: an input's, or one only the command line has, which may have a short form. */
export interface CliOptionSpec extends InputSpec {
  short?: string
}

export const CLI_OPTIONS: readonly CliOptionSpec[] = [
  {
    name: 'profile',
    value: 'NAME',
    description:
      'The AWS profile for credentials and region, as aws --profile takes it; default AWS_PROFILE, then the default profile.'
  },
  {
    name: 'json',
    boolean: true,
    description:
      "Print the result as JSON on stdout (the action's result output) and nothing else there; everything else goes to stderr."
  },
  {
    name: 'verbose',
    boolean: true,
    description: 'Also show each AWS call: its attempts, time and request id.'
  },
  {
    name: 'quiet',
    boolean: true,
    description: 'Show only warnings, errors and the final table.'
  },
  {
    name: 'record',
    value: 'FILE',
    description:
      'With the rollback command: the promotion record of the run to undo (the record file an earlier run wrote, or an attestation of it).'
  },
  { name: 'help', short: 'h', boolean: true, description: 'Show this help and exit.' },
  { name: 'version', boolean: true, description: 'Print the version and exit.' }
]

/** What is wrong with the command line itself: an unknown option, a missing value. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export interface CommandLine {
  /** The inputs as given, in the form the action's inputs take (lists one entry a line). */
  read: InputReader
  profile?: string
  json: boolean
  verbose: boolean
  quiet: boolean
  help: boolean
  version: boolean
}

const OPTIONS: ReadonlyMap<string, CliOptionSpec> = new Map(
  [...INPUTS, ...CLI_OPTIONS].map((option) => [option.name, option])
)

/**
 * Input names said as options: `the region input` and `source-tag` become `--region` and
 * `--source-tag`. Only hyphenated names are changed in running text, where `tags` or `region` are
 * ordinary words, and never a quoted one: `"expected-digest"` is a key of a release file.
 */
export function asOptions(text: string): string {
  let said = text
  for (const { name } of INPUTS) {
    said = said.replaceAll(`the ${name} input`, `--${name}`)
    if (name.includes('-'))
      said = said.replace(new RegExp(`(?<![\\w./"-])${name}(?![\\w/"-])`, 'g'), `--${name}`)
  }
  return said
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    previous = row
  }
  return previous[b.length]!
}

/** The option a mistyped one most likely meant, if one is close. */
function closest(name: string): string | undefined {
  const candidates = [...OPTIONS.keys()]
    .map((option) => ({ option, far: distance(name.toLowerCase(), option) }))
    .filter(({ option, far }) => far <= 2 || (name.length >= 3 && option.startsWith(name)))
    .sort((a, b) => a.far - b.far)
  return candidates[0]?.option
}

function unknown(rawName: string): UsageError {
  const bare = rawName.replace(/^--?(no-)?/, '')
  const suggestion = closest(bare)
  return new UsageError(
    `unknown option ${rawName}${suggestion ? `; did you mean --${suggestion}?` : ''}`
  )
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number]

/** Refuses what util.parseArgs, not strict, lets through: it parses, this judges. */
function check(token: Token, seen: Set<string>): void {
  if (token.kind === 'positional')
    throw new UsageError(
      `unexpected argument ${quote(token.value)}: every value goes after its option, as in --tags ${token.value}`
    )
  if (token.kind !== 'option') return
  const option = OPTIONS.get(token.name)
  const negated = token.rawName === `--no-${token.name}`
  if (!option || (negated && !option.boolean)) throw unknown(token.rawName)
  if (option.boolean) {
    if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`)
    return
  }
  const value = token.value
  if (value === undefined || (!token.inlineValue && value.startsWith('-') && value !== '-'))
    throw new UsageError(
      `${token.rawName} needs a value${value === undefined ? '' : ` (for one starting with "-", write ${token.rawName}=${value})`}`
    )
  if (!option.list && seen.has(token.name))
    throw new UsageError(`${token.rawName} is given more than once`)
  seen.add(token.name)
}

/** The inputs as the action would read them: lists one entry a line, flags as true or false. */
function reader(values: Record<string, unknown>): InputReader {
  return (name) => {
    const value = values[name]
    if (value === undefined) return ''
    return Array.isArray(value) ? value.join('\n') : String(value)
  }
}

/** `ecr-promote rollback --record FILE`: the one command besides promoting. */
export const ROLLBACK_COMMAND = 'rollback'

export function parseCommandLine(given: readonly string[]): CommandLine {
  const rollback = given[0] === ROLLBACK_COMMAND
  const args = rollback ? given.slice(1) : given
  const { values, tokens } = parseArgs({
    args: [...args],
    options: Object.fromEntries(
      [...OPTIONS.values()].map((option) => [
        option.name,
        {
          type: option.boolean ? ('boolean' as const) : ('string' as const),
          ...(option.list && { multiple: true }),
          ...(option.short !== undefined && { short: option.short })
        }
      ])
    ),
    strict: false,
    allowPositionals: true,
    allowNegative: true,
    tokens: true
  })
  const seen = new Set<string>()
  for (const token of tokens) check(token, seen)
  const flag = (name: string): boolean => values[name] === true
  if (rollback && values.record === undefined && !flag('help'))
    throw new UsageError('rollback needs --record FILE: the promotion record of the run to undo')
  if (!rollback && values.record !== undefined)
    throw new UsageError(
      '--record goes with the rollback command: ecr-promote rollback --record FILE'
    )
  const { record, ...inputs } = values
  return {
    read: reader(record === undefined ? inputs : { ...inputs, 'rollback-record': record }),
    ...(typeof values.profile === 'string' && { profile: values.profile }),
    json: flag('json'),
    verbose: flag('verbose'),
    quiet: flag('quiet'),
    help: flag('help'),
    version: flag('version')
  }
}

/** Whether the arguments ask for JSON, even when they fail to parse: then the failure is JSON too. */
export function wantsJson(args: readonly string[]): boolean {
  return args.includes('--json')
}
