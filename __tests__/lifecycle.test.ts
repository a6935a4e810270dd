// The lifecycle evaluation against the examples of ECR's documentation ("Examples of lifecycle
// policies in Amazon ECR", and the rule facts of "Lifecycle policy properties"): each section's
// repository and policy, and the images it says are expired. Then lifecycle-check as users meet it.
import { describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { runDist } from '../__fixtures__/actions.js'
import { useEmulator } from '../__fixtures__/emulator.js'
import { buildImage, pushImage } from '../emulator/index.js'
import {
  afterPromotion,
  evaluate,
  firstAction,
  parsePolicy,
  type LifecycleRule,
  type RepositoryImage
} from '../src/promotion/lifecycle.js'

const NOW = Date.UTC(2026, 11, 6)
const DAY = 24 * 60 * 60 * 1000
const image = (digest: string, tags: string[], daysAgo: number): RepositoryImage => ({
  digest,
  tags,
  pushedAt: NOW - daysAgo * DAY
})
const rule = (
  rulePriority: number,
  selection: Partial<LifecycleRule['selection']>,
  action: LifecycleRule['action'] = { type: 'expire' }
): LifecycleRule => ({
  rulePriority,
  description: `Rule ${rulePriority}`,
  selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1, ...selection },
  action
})
const expired = (rules: LifecycleRule[], images: RepositoryImage[]): string[] =>
  [...evaluate(rules, images, NOW).keys()].sort()

describe("ECR's lifecycle policy examples", () => {
  test('filtering on image age: prod* images older than 14 days', () => {
    const rules = parsePolicy(
      JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'Expire images older than 14 days',
            selection: {
              tagStatus: 'tagged',
              tagPatternList: ['prod*'],
              countType: 'sinceImagePushed',
              countUnit: 'days',
              countNumber: 14
            },
            action: { type: 'expire' }
          }
        ]
      })
    )
    const images = [
      image('old-prod', ['prod-1'], 20),
      image('new-prod', ['prod-2'], 3),
      image('old-dev', ['dev-1'], 30)
    ]
    expect(expired(rules, images)).toEqual(['old-prod'])
  })

  test('filtering on image count: keep only one untagged image', () => {
    const rules = [rule(1, { tagStatus: 'untagged', countNumber: 1 })]
    const images = [
      image('u1', [], 3),
      image('u2', [], 2),
      image('u3', [], 1),
      image('t', ['v1'], 9)
    ]
    expect(expired(rules, images)).toEqual(['u1', 'u2'])
  })

  test('multiple rules, example A: an image a higher rule selects is not expired by a lower one', () => {
    const images = [
      image('A', ['beta-1', 'prod-1'], 10),
      image('B', ['beta-2', 'prod-2'], 9),
      image('C', ['beta-3'], 8)
    ]
    const rules = [
      rule(1, { tagPatternList: ['prod*'], countNumber: 1 }),
      rule(2, { tagPatternList: ['beta*'], countNumber: 1 })
    ]
    // Rule 1 marks A; rule 2 would mark A and B, but B matches rule 1's selection.
    expect(expired(rules, images)).toEqual(['A'])
    expect(evaluate(rules, images, NOW).get('A')?.rulePriority).toBe(1)
  })

  test('multiple rules, example B: each image acted on by one rule only', () => {
    const images = [
      image('A', ['beta-1', 'prod-1'], 10),
      image('B', ['beta-2', 'prod-2'], 9),
      image('C', ['beta-3', 'prod-3'], 8)
    ]
    const rules = [
      rule(1, { tagPrefixList: ['prod'], countNumber: 1 }),
      rule(2, { tagPrefixList: ['beta'], countNumber: 1 })
    ]
    const acted = evaluate(rules, images, NOW)
    expect([...acted.keys()].sort()).toEqual(['A', 'B'])
    expect([...acted.values()].map((by) => by.rulePriority)).toEqual([1, 1])
  })

  test('multiple tags in one rule, example A: every pattern must match one of the tags', () => {
    const images = [
      image('A', ['alpha-1'], 12),
      image('B', ['beta-1'], 11),
      image('C', ['alpha-2', 'beta-2'], 10),
      image('D', ['alpha-3'], 4),
      image('E', ['beta-3'], 3),
      image('F', ['alpha-4', 'beta-4'], 2)
    ]
    const rules = [
      rule(1, {
        tagPatternList: ['alpha*', 'beta*'],
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: 5
      })
    ]
    expect(expired(rules, images)).toEqual(['C'])
  })

  test('multiple tags in one rule, example B: a count over the images with every tag', () => {
    const images = [
      image('A', ['alpha-1', 'beta-1', 'gamma-1'], 10),
      image('B', ['alpha-2', 'beta-2'], 9),
      image('C', ['alpha-3', 'beta-3', 'gamma-2'], 8)
    ]
    const rules = [rule(1, { tagPatternList: ['alpha*', 'beta*', 'gamma*'], countNumber: 1 })]
    expect(expired(rules, images)).toEqual(['A'])
  })

  test('all images: tagStatus any, the lowest priority, sees tagged and untagged alike', () => {
    const images = [
      image('A', ['alpha-1'], 4),
      image('B', [], 3),
      image('C', ['alpha-2'], 2),
      image('D', ['prod-1'], 1)
    ]
    const rules = [
      rule(1, { tagPatternList: ['prod*'], countNumber: 10 }),
      rule(2, { tagStatus: 'any', countNumber: 1 })
    ]
    // Rule 2 keeps the newest of all four (D, which rule 1 protects anyway) and expires the rest.
    expect(expired(rules, images)).toEqual(['A', 'B', 'C'])
  })

  test('archiving: images not pulled for 90 days move to the archive', () => {
    const images = [
      { ...image('cold', ['v1'], 200), lastPulledAt: NOW - 120 * DAY },
      { ...image('warm', ['v2'], 200), lastPulledAt: NOW - 10 * DAY }
    ]
    const rules = [
      rule(
        1,
        { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
        { type: 'transition', targetStorageClass: 'archive' }
      )
    ]
    expect(expired(rules, images)).toEqual(['cold'])
  })
})

describe('the promoted image, after the promotion', () => {
  const policy = [
    rule(1, { tagPatternList: ['dev-*'], countType: 'sinceImagePushed', countNumber: 14 }),
    rule(2, { tagStatus: 'any', countType: 'sinceImagePushed', countNumber: 30 })
  ]

  test('an image pushed 20 days ago, still tagged dev-7, is expired at once whatever tag it gains', () => {
    const images = [image('build', ['dev-7'], 20)]
    const after = afterPromotion(images, 'build', ['prod'], NOW)
    expect(after[0]!.tags).toEqual(['dev-7', 'prod'])
    // dev-* selects it and it is past 14 days: rule 1 expires it at once, prod tag or not.
    expect(firstAction(policy, after, 'build', NOW, 30)).toMatchObject({
      rulePriority: 1,
      inDays: 0,
      action: 'expire'
    })
  })

  test('counted from the push, not the promotion: a copy into another repository starts at zero', () => {
    const after = afterPromotion([], 'build', ['prod'], NOW)
    expect(firstAction(policy, after, 'build', NOW, 30)).toBeUndefined()
    expect(firstAction(policy, after, 'build', NOW, 31)).toMatchObject({
      rulePriority: 2,
      inDays: 31
    })
  })

  test('a tag moved onto the promoted image leaves the image it was on', () => {
    const images = [image('old', ['prod'], 40), image('new', ['rc'], 1)]
    const after = afterPromotion(images, 'new', ['prod'], NOW)
    expect(after.find((entry) => entry.digest === 'old')!.tags).toEqual([])
  })
})

describe('lifecycle-check, through the bundled action against the local ECR', () => {
  const ACCOUNT = '111111111111'
  const REGION = 'us-east-1'
  const emulator = useEmulator({ defaultAccount: ACCOUNT })
  let counter = 0

  /** A repository whose policy expires any image 30 days after its push; a build 20 days old. */
  function repositoryWithPolicy(policy: object) {
    const repository = emulator.state.createRepository(ACCOUNT, REGION, `lifecycle/app${++counter}`)
    const build = buildImage({ files: { 'bin/app': randomBytes(128) } })
    pushImage(repository, build, emulator.state.settings, ['staging'])
    repository.images.get(build.digest)!.pushedAt = new Date(Date.now() - 20 * DAY)
    repository.lifecyclePolicy = JSON.stringify(policy)
    return { repository, build }
  }
  const catchAll = {
    rules: [
      {
        rulePriority: 1,
        description: 'Expire anything after 30 days',
        selection: {
          tagStatus: 'any',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: 30
        },
        action: { type: 'expire' }
      }
    ]
  }
  const inputs = (repository: { name: string }, extra: Record<string, string> = {}) => ({
    repository: repository.name,
    'source-tag': 'staging',
    tags: 'prod',
    ...extra
  })

  test('warns by default, naming the rule and when, and promotes', async () => {
    const { repository, build } = repositoryWithPolicy(catchAll)
    const run = await runDist(inputs(repository), emulator.env)
    expect(run.exitCode).toBe(0)
    expect(repository.tags.get('prod')).toBe(build.digest)
    expect(run.stdout).toMatch(
      /::warning::lifecycle\/app\d+:staging: the lifecycle policy of .* would expire it in about 10 days by rule 1 \("Expire anything after 30 days"\): its age counts from its push, not from this promotion/
    )
    expect(run.result?.lifecycle).toMatchObject({ rulePriority: 1, inDays: 10, action: 'expire' })
    expect(run.summary).toContain('⚠️ lifecycle/app')
  })

  test('refuses before any write under lifecycle-check: refuse', async () => {
    const { repository } = repositoryWithPolicy(catchAll)
    const run = await runDist(inputs(repository, { 'lifecycle-check': 'refuse' }), emulator.env)
    expect(run.exitCode).toBe(1)
    expect(run.result?.status).toBe('refused')
    expect(run.stdout).toMatch(/::error title=Lifecycle policy::/)
    expect(repository.tags.has('prod')).toBe(false)
    expect(emulator.log.some((entry) => entry.operation === 'PutImage')).toBe(false)
  })

  test('a horizon shorter than the rule is quiet; off reads no policy', async () => {
    const { repository } = repositoryWithPolicy(catchAll)
    const short = await runDist(inputs(repository, { 'lifecycle-horizon': '7d' }), emulator.env)
    expect(short.exitCode).toBe(0)
    expect(short.stdout).not.toContain('lifecycle policy of')
    emulator.resetLog()
    const off = await runDist(
      inputs(repository, { 'lifecycle-check': 'off', tags: 'prod2' }),
      emulator.env
    )
    expect(off.exitCode).toBe(0)
    expect(emulator.log.some((entry) => entry.operation === 'GetLifecyclePolicy')).toBe(false)
  })

  test('a sinceImagePulled rule says the promoter’s reads count as pulls', async () => {
    const { repository } = repositoryWithPolicy({
      rules: [
        {
          rulePriority: 1,
          description: 'Archive what nobody pulls',
          selection: {
            tagStatus: 'any',
            countType: 'sinceImagePulled',
            countUnit: 'days',
            countNumber: 10
          },
          action: { type: 'transition', targetStorageClass: 'archive' }
        }
      ]
    })
    const run = await runDist(inputs(repository), emulator.env)
    expect(run.stdout).toMatch(/would move to the archive it .*RegisterPullTimeUpdateExclusion/)
  })

  test('a policy it may not read is a warning that names the permission', async () => {
    const { repository } = repositoryWithPolicy(catchAll)
    emulator.onRequest(({ operation }) =>
      operation === 'GetLifecyclePolicy'
        ? { status: 400, body: { __type: 'AccessDeniedException', message: 'not authorized' } }
        : undefined
    )
    const run = await runDist(inputs(repository), emulator.env)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(
      /::warning::The lifecycle policy of .* could not be checked .*ecr:GetLifecyclePolicy/
    )
  })
})
