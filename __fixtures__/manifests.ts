// Manifests as registries store them: exact strings whose bytes are their digests.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

export function digestOf(text: string): string {
  return 'sha256:' + createHash('sha256').update(text, 'utf8').digest('hex')
}

/**
 * The hello-world manifest from the AWS CLI's put-image page (seed 003), byte for byte, with the
 * digest ECR returned for it there.
 */
export const helloWorld = {
  manifest: readFileSync(new URL('./hello-world.manifest.json', import.meta.url), 'utf8'),
  digest: 'sha256:8ece96b74f87652876199d83bd107d0435a196133af383ac54cb82b6cc5283ae',
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json'
}

const blob = (n: number): string => 'sha256:' + n.toString(16).padStart(64, '0')

/** An OCI artifact (a Helm chart) with no top-level mediaType: only ECR's answer names its type. */
export const helmChart = (() => {
  const manifest =
    '{"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"' +
    blob(1) +
    '","size":117},"layers":[{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","digest":"' +
    blob(2) +
    '","size":3521}]}'
  return {
    manifest,
    digest: digestOf(manifest),
    mediaType: 'application/vnd.oci.image.manifest.v1+json'
  }
})()

/** A two-platform OCI index, with unusual but legal whitespace that re-serializing would lose. */
export const ociIndex = (() => {
  const manifest = `{
   "schemaVersion" : 2,
   "mediaType" : "application/vnd.oci.image.index.v1+json",
   "manifests" : [
      {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "${blob(3)}", "size": 480, "platform": {"os": "linux", "architecture": "amd64"}},
      {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "${blob(4)}", "size": 480, "platform": {"os": "linux", "architecture": "arm64"}}
   ]
}\r\n`
  return {
    manifest,
    digest: digestOf(manifest),
    mediaType: 'application/vnd.oci.image.index.v1+json'
  }
})()

/** Another image in the same repository: where tags point before they are moved. */
export const otherImage = (() => {
  const manifest = helloWorld.manifest.replace('"size": 5695', '"size": 5696')
  return { manifest, digest: digestOf(manifest), mediaType: helloWorld.mediaType }
})()
