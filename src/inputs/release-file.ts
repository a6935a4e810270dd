// A release document (YAML or JSON): read, and validated against schema/release.schema.json, with
// every error naming the entry and its field. Loaded only when a release is given this way.
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js'
import { parse } from 'yaml'
import schema from '../../schema/release.schema.json' with { type: 'json' }
import { InputError, quote } from './errors.js'
import type { ImageEntry } from './images.js'

interface RawEntry {
  repository: string
  tag?: string
  digest?: string
  'expected-digest'?: string
  'target-repository'?: string
  tags?: string[]
}

const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile<
  RawEntry[]
>(schema)

/** `entry 3 (app:staging), field "tag": must match pattern ...`, one line per problem. */
function describeError(error: ErrorObject, document: unknown): string {
  const [index, field, item] = error.instancePath.split('/').slice(1)
  if (index === undefined) return `the document ${error.message}`
  const entry = (document as RawEntry[])[Number(index)]
  const named =
    typeof entry?.repository === 'string'
      ? ` (${entry.repository}${typeof entry.tag === 'string' ? `:${entry.tag}` : ''})`
      : ''
  const where = `entry ${Number(index) + 1}${named}`
  if (error.keyword === 'additionalProperties')
    return `${where}: unknown field ${quote(String(error.params.additionalProperty))}; the fields are repository, tag, digest, expected-digest, target-repository and tags`
  if (error.keyword === 'required')
    return `${where}: field "${String(error.params.missingProperty)}" is required`
  if (error.keyword === 'anyOf') return `${where}: give a tag, a digest, or both`
  if (field === undefined) return `${where} ${error.message}`
  return `${where}, field "${field}"${item !== undefined ? ` item ${Number(item) + 1}` : ''}: ${error.message}`
}

/** The entries of a release document; `input` is the input it came from, for errors. */
export function parseReleaseDocument(text: string, input: string): ImageEntry[] {
  let document: unknown
  try {
    document = parse(text, { prettyErrors: true })
  } catch (error) {
    throw new InputError(input, `is not YAML or JSON: ${(error as Error).message.split('\n')[0]}`)
  }
  if (!validate(document)) {
    const problems = [...new Set((validate.errors ?? []).map((e) => describeError(e, document)))]
    // anyOf reports each branch's missing field too; the summary line says it better.
    const shown = problems.filter(
      (problem) =>
        !/field "(tag|digest)" is required/.test(problem) ||
        !problems.some((p) => p.includes('give a tag'))
    )
    throw new InputError(input, shown.join('; '))
  }
  return document.map((entry) => ({
    repository: entry.repository,
    ...(entry.tag !== undefined && { tag: entry.tag }),
    ...(entry.digest !== undefined && { digest: entry.digest }),
    ...(entry['expected-digest'] !== undefined && { expectedDigest: entry['expected-digest'] }),
    ...(entry['target-repository'] !== undefined && {
      targetRepository: entry['target-repository']
    }),
    tags: entry.tags ?? []
  }))
}
