// --help, made from the table of inputs that action.yml is checked against, so the command line
// and the action describe the same options in the same words.
import { INPUTS, type InputSpec } from '../inputs/index.js'
import { CLI_OPTIONS, asOptions, type CliOptionSpec } from './options.js'

const WIDTH = 80
const LABEL_WIDTH = 28

/** Where each input is shown; one that is not listed here still shows, under "Other options". */
const GROUPS: ReadonlyArray<[title: string, names: readonly string[]]> = [
  ['The image', ['repository', 'source-tag', 'source-digest', 'tags', 'registry-id', 'region']],
  ['A release: several images in one run', ['sources', 'sources-file']],
  [
    'Into another repository, account or region',
    [
      'target-repository',
      'target-registry-id',
      'target-region',
      'copy-referrers',
      'create-repository'
    ]
  ],
  [
    'Guards',
    [
      'expected-digest',
      'protect-tags',
      'dry-run',
      'on-failure',
      'restore-archived',
      'lifecycle-check',
      'lifecycle-horizon',
      'signing-wait'
    ]
  ],
  [
    'Gates',
    [
      'vulnerability-threshold',
      'ignore-vulnerabilities',
      'fixable-only',
      'allow-nothing-to-judge',
      'scan-wait',
      'scan-max-age',
      'require-signature',
      'signer-identity',
      'signer-issuer',
      'sigstore-trusted-root'
    ]
  ],
  ['Pacing', ['put-image-rate', 'timeout']],
  ['Rolling back (ecr-promote rollback --record FILE does the same)', ['rollback-record']]
]

const USAGE = `Usage: ecr-promote --repository REPOSITORY --source-tag TAG --tags TAG [options]
       ecr-promote --sources IMAGE,... --tags TAG [options]
       ecr-promote rollback --record FILE [--dry-run]`

const ABOUT =
  'Promotes an Amazon ECR image to new tags, pinned to its digest, without pulling or pushing layers: the engine of the ecr-promote GitHub Action, with its guarantees. A plan with any problem writes nothing; a rerun writes only what is left.'

const CREDENTIALS =
  'Credentials, region and endpoints are found as the AWS CLI finds them: environment variables, --profile or AWS_PROFILE (shared config and credentials files, SSO), then container and instance roles. The region: --region, a full repository URI, AWS_REGION or AWS_DEFAULT_REGION, then the profile.'

const EXIT_CODES: ReadonlyArray<[code: string, meaning: string]> = [
  ['0', 'promoted, nothing to do, a dry run that would succeed, or rolled back'],
  ['1', 'failed or cancelled, or a source or target (repository, tag) not there'],
  ['2', 'bad options or inputs: nothing was sent to AWS'],
  ['3', 'refused before any write by a guard or gate: expected digest, protected'],
  [' ', '   tag, immutable conflict, tag limit, a tag claimed twice, an archived'],
  [' ', '   image, a lifecycle rule (--lifecycle-check refuse), scan, signature'],
  [' ', '   (a rollback: a tag moved since the run it undoes)']
]

const EXAMPLES = [
  'ecr-promote --repository my-app --source-tag staging --tags prod --dry-run',
  'ecr-promote --profile release --region eu-west-1 --repository my-app \\',
  '    --source-tag sha-1a2b3c --tags v1.4.0,1.4 --protect-tags "v*.*.*" --json',
  'ecr-promote rollback --record ecr-promote-record.json --dry-run'
]

/** Words laid into lines of at most `width`; a word longer than that gets a line of its own. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  return line === '' ? lines : [...lines, line]
}

function label(option: CliOptionSpec): string {
  const short = option.short !== undefined ? `-${option.short}, ` : ''
  if (option.boolean) return `${short}--${option.default === 'true' ? '[no-]' : ''}${option.name}`
  return `${short}--${option.name} ${option.value ?? 'VALUE'}${option.list ? ',...' : ''}`
}

function details(option: CliOptionSpec): string {
  const notes = [
    ...(option.list ? ['Repeatable.'] : []),
    ...(option.default !== undefined && option.default !== 'false'
      ? [`Default: ${option.default === 'true' ? 'on' : option.default}.`]
      : [])
  ]
  return [asOptions(option.description), ...notes].join(' ')
}

/** One option: its label, then its description wrapped beside it (or under it, when long). */
function entry(option: CliOptionSpec): string[] {
  const name = `  ${label(option)}`
  const text = wrap(details(option), WIDTH - LABEL_WIDTH).map(
    (line) => ' '.repeat(LABEL_WIDTH) + line
  )
  if (name.length < LABEL_WIDTH - 1)
    return [name.padEnd(LABEL_WIDTH) + text[0]!.trimStart(), ...text.slice(1)]
  return [name, ...text]
}

function section(title: string, body: string[]): string[] {
  return ['', `${title}:`, ...body]
}

export function helpText(): string {
  const grouped = new Set(GROUPS.flatMap(([, names]) => names))
  const byName = new Map(INPUTS.map((input) => [input.name, input]))
  const groups = [
    ...GROUPS.map(([title, names]): [string, InputSpec[]] => [
      title,
      names.flatMap((name) => byName.get(name) ?? [])
    ]),
    ['Other options', INPUTS.filter((input) => !grouped.has(input.name))] as [string, InputSpec[]]
  ].filter(([, inputs]) => inputs.length > 0)
  return [
    USAGE,
    '',
    ...wrap(ABOUT, WIDTH),
    ...groups.flatMap(([title, inputs]) => section(title, inputs.flatMap(entry))),
    ...section('Command line', CLI_OPTIONS.flatMap(entry)),
    '',
    ...wrap(CREDENTIALS, WIDTH),
    ...section(
      'Exit status',
      EXIT_CODES.map(([code, meaning]) => `  ${code}  ${meaning}`)
    ),
    ...section(
      'Examples',
      EXAMPLES.map((line) => `  ${line}`)
    ),
    ''
  ].join('\n')
}
