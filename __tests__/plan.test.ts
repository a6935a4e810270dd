import { describe, expect, test } from '@jest/globals'
import { matchesGlob, planTags } from '../src/promotion/plan.js'

const A = `sha256:${'a'.repeat(64)}`
const B = `sha256:${'b'.repeat(64)}`

describe('matchesGlob', () => {
  test.each([
    ['v1.2.3', 'v*', true],
    ['1.2.3', 'v*', false],
    ['anything', '*', true],
    ['release-1', 'release-?', true],
    ['release-10', 'release-?', false],
    ['v1x2', 'v1.2', false],
    ['prod', 'prod', true],
    ['production', 'prod', false],
    ['a-b', 'a-*', true]
  ])('%s against %s is %s', (tag, pattern, expected) => {
    expect(matchesGlob(tag, pattern)).toBe(expected)
  })
})

describe('planTags', () => {
  const current = new Map<string, string | null>([
    ['same', A],
    ['elsewhere', B],
    ['v1', B],
    ['v2', A],
    ['absent', null]
  ])

  test('keeps, creates, moves and refuses', () => {
    expect(
      planTags(A, current, ['same', 'absent', 'new', 'elsewhere', 'v1', 'v2'], ['v*'])
    ).toEqual([
      { tag: 'same', action: 'keep', previousDigest: A },
      { tag: 'absent', action: 'create', previousDigest: null },
      { tag: 'new', action: 'create', previousDigest: null },
      { tag: 'elsewhere', action: 'move', previousDigest: B },
      { tag: 'v1', action: 'refuse', previousDigest: B, protectedBy: 'v*' },
      { tag: 'v2', action: 'keep', previousDigest: A }
    ])
  })

  test('a protected tag may be created, and one already at the digest is fine', () => {
    expect(planTags(A, current, ['absent', 'same'], ['*']).map((tag) => tag.action)).toEqual([
      'create',
      'keep'
    ])
  })
})
