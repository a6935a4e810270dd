// ECR's tag mutability rules, applied to a tag: whether PutImage may move it once it exists.
import type { TagMutability } from '../registry/index.js'

/** ECR's exclusion filters: `*` matches any run of characters, everything else is literal. */
export function matchesFilter(tag: string, filter: string): boolean {
  const pattern = filter.replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${pattern}$`).test(tag)
}

/**
 * Why an existing tag cannot be moved, or undefined when it can: IMMUTABLE locks every tag,
 * IMMUTABLE_WITH_EXCLUSION all but those matching a filter, MUTABLE_WITH_EXCLUSION only those
 * matching one.
 */
export function lockedBy(tag: string, mutability: TagMutability): string | undefined {
  const filter = mutability.filters.find((candidate) => matchesFilter(tag, candidate))
  switch (mutability.mode) {
    case 'MUTABLE':
      return undefined
    case 'IMMUTABLE':
      return 'the repository is IMMUTABLE'
    case 'IMMUTABLE_WITH_EXCLUSION':
      return filter === undefined
        ? `the repository is IMMUTABLE_WITH_EXCLUSION and no exclusion filter (${mutability.filters.join(', ')}) matches it`
        : undefined
    case 'MUTABLE_WITH_EXCLUSION':
      return filter !== undefined
        ? `the repository is MUTABLE_WITH_EXCLUSION and its filter "${filter}" locks it`
        : undefined
  }
}
