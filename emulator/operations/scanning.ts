// What a vulnerability or signature gate reads: DescribeImageScanFindings (paginated over the
// findings) and DescribeImageSigningStatus, from the scans and signing statuses tests set up.
import type { Operation } from '../context.js'
import { ServiceError } from '../errors.js'
import { completedScan, renderScan } from '../scans.js'
import { completedSigning, renderSigning } from '../signing.js'
import { settle } from '../timeline.js'
import { echoId, imageIdText, resolveImage, type ImageId } from './image-ids.js'
import { targetRepository } from './images.js'
import { page, pageRequest } from './pages.js'

export const describeImageScanFindings: Operation = (context) => {
  const repository = targetRepository(context)
  const id = context.body.imageId as ImageId
  const image = resolveImage(repository, id)
  // Without maxResults, ECR answers up to 100 findings and a nextToken.
  const request = pageRequest(context.body, { max: 1000, fallback: 100 })
  const scan = repository.scans.get(image.digest)
  if (!scan) {
    throw new ServiceError(
      'ScanNotFoundException',
      `Image scan does not exist for the image with '${imageIdText(id)}' in the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`
    )
  }
  const rendered = renderScan(repository, image, settle(scan, completedScan))
  const { items, nextToken } = page(rendered.list, request)
  // Status, counts and timestamps repeat on every page; only the findings are paged.
  return {
    registryId: repository.registryId,
    repositoryName: repository.name,
    imageId: echoId(image, id),
    imageScanStatus: rendered.imageScanStatus,
    imageScanFindings: { ...rendered.summary, [rendered.key]: items },
    ...(nextToken && { nextToken })
  }
}

export const describeImageSigningStatus: Operation = (context) => {
  const repository = targetRepository(context)
  const id = context.body.imageId as ImageId
  const image = resolveImage(repository, id)
  return {
    repositoryName: repository.name,
    imageId: echoId(image, id),
    registryId: repository.registryId,
    // An image no signing rule matched has no statuses.
    signingStatuses: (repository.signing.get(image.digest) ?? []).map((status) =>
      renderSigning(settle(status, completedSigning))
    )
  }
}
