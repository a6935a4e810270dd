// The strongest honest stand-in for an existing retag action: the same round trips those actions
// make (one BatchGetImage, then every PutImage at once) through the AWS SDK with its default
// settings: a new ECRClient per run, the SDK's default HTTP handler, its default retries, no pacing.
// Plain JavaScript, so that ncc bundles it without type-checking the project. Bundled into bench/tmp/
// at bench time, and run as an action is: `node index.js` with
// INPUT_REPOSITORY, INPUT_TAG, INPUT_NEW-TAGS and INPUT_AWS-REGION (the inputs
// abronin/ecr-retag-action takes).
import { BatchGetImageCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr'

/** @param {string} name */
const input = (name) => process.env[`INPUT_${name.toUpperCase()}`]?.trim() ?? ''

const client = new ECRClient({ region: input('aws-region') || process.env.AWS_REGION })
const repositoryName = input('repository')
const newTags = input('new-tags')
  .split(/[\s,]+/)
  .filter((tag) => tag !== '')

try {
  const read = await client.send(
    new BatchGetImageCommand({ repositoryName, imageIds: [{ imageTag: input('tag') }] })
  )
  const image = read.images?.[0]
  if (!image?.imageManifest) throw new Error(`no image ${repositoryName}:${input('tag')}`)
  await Promise.all(
    newTags.map((imageTag) =>
      client.send(
        new PutImageCommand({
          repositoryName,
          imageManifest: image.imageManifest,
          imageTag,
          ...(image.imageManifestMediaType && {
            imageManifestMediaType: image.imageManifestMediaType
          })
        })
      )
    )
  )
  console.log(`tagged ${newTags.length} tag(s)`)
} catch (error) {
  console.log(`::error::${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
