// The step's outputs: what later steps of the workflow read, set from the promotion's record.
import { repositoryUri } from '../oci/index.js'
import type { PromotionReport } from '../promotion/index.js'
import type { Runner } from './runner.js'

/** The target repository's URI, as images are pulled from it. */
function targetUri(report: PromotionReport): string {
  return repositoryUri({
    name: report.repository,
    registryId: report.registryId,
    region: report.region,
    ...(report.publicAlias !== undefined && { publicAlias: report.publicAlias })
  })
}

export function setOutputs(runner: Runner, report: PromotionReport): void {
  const base = targetUri(report)
  runner.setOutput('digest', report.digest)
  runner.setOutput('media-type', report.mediaType)
  runner.setOutput('image', report.image)
  runner.setOutput('images', report.tags.map((tag) => `${base}:${tag.tag}`).join('\n'))
  runner.setOutput('changed', String(report.changed))
  runner.setOutput('blobs-copied', String(report.copy?.blobsCopied ?? 0))
  runner.setOutput('bytes-copied', String(report.copy?.bytesCopied ?? 0))
  runner.setOutput('result', JSON.stringify(report))
}
