// One annotation per problem, each naming its image and tag: what GitHub lists above the log.
import { SUCCESS_STATUSES, type DecidingFinding, type PromotionReport } from '../promotion/index.js'
import type { Runner } from './runner.js'

const TITLES: Partial<Record<string, string>> = {
  refused: 'Protected tag',
  conflict: 'Tag conflict',
  failed: 'Tag not promoted'
}

/** A message ends its sentence before the next one starts. */
const sentence = (text: string): string =>
  /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`

/** The findings that decided a vulnerability gate's refusal of the image, when it refused. */
function findingsOf(report: PromotionReport): Pick<Annotation, 'findings' | 'moreFindings'> {
  const verdict = report.gates?.find((v) => v.gate === 'vulnerability' && !v.passed)
  if (!verdict?.findings) return {}
  return {
    findings: verdict.findings,
    ...(verdict.moreFindings !== undefined && { moreFindings: verdict.moreFindings })
  }
}

/** A message without the title it starts with, which its annotation or list item shows already. */
function untitled(message: string, title: string): string {
  if (!message.startsWith(`${title}: `)) return message
  const rest = message.slice(title.length + 2)
  return `${rest.charAt(0).toUpperCase()}${rest.slice(1)}`
}

/** A problem as an annotation and the summary say it: its title and message, once per run. */
export interface Annotation {
  message: string
  title: string
  /** A vulnerability gate's refusal: the findings that decided it, for a list of their own. */
  findings?: DecidingFinding[]
  moreFindings?: number
}

/**
 * Each problem once. A run refused before any write has the plan's own problems, titled and naming
 * their tags; otherwise: a source that did not resolve, a failed copy, each tag not promoted.
 */
export function problemsOf(reports: PromotionReport[]): Annotation[] {
  const many = reports.length > 1
  // A problem shared by several images (a tag two of them claim) names them all: said once.
  const said = new Set<string>()
  const first = (message: string): boolean => !said.has(message) && Boolean(said.add(message))
  return reports.flatMap((report) => {
    const where = many ? `${report.name}: ` : ''
    if (report.problems)
      return report.problems
        .filter((problem) => first(problem.message))
        .map((problem) => ({
          ...(problem.title === 'Vulnerability gate' && findingsOf(report)),
          message: `${where}${untitled(problem.message, problem.title)}`,
          title: problem.tag !== undefined ? `${problem.title}: ${problem.tag}` : problem.title
        }))
    const tags = report.tags.flatMap((tag): Annotation[] => {
      // Tags left alone because of a problem said elsewhere, or by a stopped run, say nothing new.
      // Skipped tags follow from another problem, which has its own annotation.
      // A tag written and then put back says so in the table; one the rollback could not put back
      // says why.
      if (tag.rollback !== undefined)
        return [{ message: `${where}${tag.message ?? ''}`, title: `Not rolled back: ${tag.tag}` }]
      if (SUCCESS_STATUSES.has(tag.status) || tag.status === 'cancelled' || !tag.message) return []
      if (tag.status === 'skipped' || tag.status === 'rolled-back') return []
      return [
        { message: `${where}${tag.message}`, title: `${TITLES[tag.status] ?? 'Tag'}: ${tag.tag}` }
      ]
    })
    const gates = (report.gates ?? [])
      .filter((verdict) => !verdict.passed)
      .map((verdict) => ({
        message: `${where}${verdict.reason ?? verdict.summary}`,
        title: verdict.gate === 'vulnerability' ? 'Vulnerability gate' : 'Signature gate'
      }))
    return [
      ...gates,
      ...(report.problem ? [{ message: `${where}${report.problem}`, title: 'Not resolved' }] : []),
      ...(report.copy?.error
        ? [{ message: `${where}${report.copy.error}`, title: 'Copy failed' }]
        : []),
      ...tags,
      ...(report.signing?.statuses ?? [])
        .filter((status) => status.status === 'FAILED')
        .map((status) => ({
          message: `${where}ECR's managed signing failed${status.profileArn ? ` with ${status.profileArn}` : ''}: ${status.failureCode ?? 'FAILED'}${status.failureReason ? ` (${status.failureReason})` : ''}. The tags are in place, unsigned.`,
          title: 'Signing failed'
        }))
    ]
  })
}

/** The sentences of `next` that `message` does not say already ("Nothing was written", say). */
function unsaid(next: string, message: string): string {
  const said = message.toLowerCase()
  return next
    .split(/(?<=\.) /)
    .filter((part) => !said.includes(part.replace(/[.;]$/, '').toLowerCase()))
    .join(' ')
}

/**
 * Fails the step with one annotation per problem, titled and naming its tag. A lone problem is the
 * failure itself, with what to do next; several get a line each, and the failure sums them up.
 */
export function failStep(
  runner: Runner,
  reports: PromotionReport[],
  outcome: string,
  next: string
): void {
  const problems = problemsOf(reports)
  if (problems.length === 1) {
    runner.setFailed(
      `${sentence(problems[0]!.message)} ${unsaid(next, problems[0]!.message)}`.trim(),
      {
        title: problems[0]!.title
      }
    )
    return
  }
  for (const problem of problems) runner.error(problem.message, { title: problem.title })
  runner.setFailed(`${outcome} ${next}`.trim())
}
