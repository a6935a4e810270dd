// The floor: the same ECR requests the action makes, sent by a minimal client (node:http or
// node:https with keep-alive, one connection pool, no SDK, no process start-up), so that what
// remains is the round trips themselves, connection set-up included.
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

let pools: { http: HttpAgent; https: HttpsAgent } | undefined
/** One keep-alive pool per process, of `maxSockets` connections (the writes' concurrency). */
export function usePool(maxSockets: number): void {
  pools = {
    http: new HttpAgent({ keepAlive: true, maxSockets }),
    https: new HttpsAgent({ keepAlive: true, maxSockets })
  }
}
const TARGET = 'AmazonEC2ContainerRegistry_V20150921.'

/** One ECR JSON call; the emulator needs a SigV4-shaped Authorization header, not a valid one. */
export function call(
  url: string,
  operation: string,
  body: unknown,
  region = 'us-east-1'
): Promise<Record<string, unknown>> {
  const payload = Buffer.from(JSON.stringify(body))
  const { hostname, port, protocol } = new URL(url)
  if (!pools) usePool(64)
  const tls = protocol === 'https:'
  const request = tls ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent: tls ? pools!.https : pools!.http,
        hostname,
        port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'content-length': payload.length,
          'x-amz-target': TARGET + operation,
          authorization: `AWS4-HMAC-SHA256 Credential=AKIDFLOOR/20260101/${region}/ecr/aws4_request, SignedHeaders=host, Signature=0`
        }
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          const parsed = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<
            string,
            unknown
          >
          if (response.statusCode !== 200)
            reject(new Error(`${operation}: ${response.statusCode} ${JSON.stringify(parsed)}`))
          else resolve(parsed)
        })
      }
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/**
 * The reads (the images and tags, the tag mutability, the tag count, the lifecycle policy and the
 * signing configuration, together), then the writes `concurrency`
 * at a time, through one pool of `concurrency` connections: the round trips no promotion can avoid.
 */
export async function unavoidableRoundTrips(
  url: string,
  repositoryName: string,
  sourceTag: string,
  tags: string[],
  concurrency: number
): Promise<number> {
  usePool(concurrency)
  const started = performance.now()
  const [read] = await Promise.all([
    call(url, 'BatchGetImage', {
      repositoryName,
      imageIds: [{ imageTag: sourceTag }, ...tags.map((imageTag) => ({ imageTag }))]
    }),
    call(url, 'DescribeRepositories', { repositoryNames: [repositoryName] }),
    // How many tags the image carries, for ECR's tag limit: the action reads it too, beside the rest.
    call(url, 'DescribeImages', { repositoryName, imageIds: [{ imageTag: sourceTag }] }),
    // The lifecycle policy and the signing configuration, which the action checks by default
    // (the repository has no policy, the registry no configuration).
    call(url, 'GetLifecyclePolicy', { repositoryName }).catch(() => ({})),
    call(url, 'GetSigningConfiguration', {}).catch(() => ({}))
  ])
  const image = (
    read.images as Array<{
      imageManifest: string
      imageManifestMediaType: string
      imageId: { imageDigest: string }
    }>
  )[0]!
  // `concurrency` writers, each taking the next tag as it is done, as the action's writes go.
  const queue = [...tags]
  await Promise.all(
    Array.from({ length: Math.min(concurrency, tags.length) }, async () => {
      for (let imageTag = queue.shift(); imageTag !== undefined; imageTag = queue.shift()) {
        await call(url, 'PutImage', {
          repositoryName,
          imageManifest: image.imageManifest,
          imageManifestMediaType: image.imageManifestMediaType,
          imageDigest: image.imageId.imageDigest,
          imageTag
        })
      }
    })
  )
  return performance.now() - started
}

/**
 * The same blobs copied by a minimal client: download from the presigned URL, upload in parts
 * through the layer API (base64 in JSON, as ECR's protocol has it), `concurrency` blobs at once.
 * Returns milliseconds.
 */
export async function rawCopy(
  url: string,
  from: string,
  to: string,
  digests: string[],
  concurrency: number,
  partSize = 10 * 1024 * 1024
): Promise<number> {
  const started = performance.now()
  const copyOne = async (digest: string): Promise<void> => {
    const [{ downloadUrl }, { uploadId }] = (await Promise.all([
      call(url, 'GetDownloadUrlForLayer', { repositoryName: from, layerDigest: digest }),
      call(url, 'InitiateLayerUpload', { repositoryName: to })
    ])) as [{ downloadUrl: string }, { uploadId: string }]
    const response = await fetch(downloadUrl)
    let pending: Buffer[] = []
    let pendingLength = 0
    let offset = 0
    const send = async (part: Buffer): Promise<void> => {
      await call(url, 'UploadLayerPart', {
        repositoryName: to,
        uploadId,
        partFirstByte: offset,
        partLastByte: offset + part.length - 1,
        layerPartBlob: part.toString('base64')
      })
      offset += part.length
    }
    for await (const chunk of response.body!) {
      pending.push(Buffer.from(chunk))
      pendingLength += chunk.byteLength
      if (pendingLength >= partSize) {
        const all = Buffer.concat(pending)
        await send(all.subarray(0, partSize))
        pending = [all.subarray(partSize)]
        pendingLength = all.length - partSize
      }
    }
    if (pendingLength > 0) await send(Buffer.concat(pending))
    await call(url, 'CompleteLayerUpload', { repositoryName: to, uploadId, layerDigests: [digest] })
  }
  const queue = [...digests]
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (queue.length > 0) await copyOne(queue.shift()!)
    })
  )
  return performance.now() - started
}

/**
 * The same blobs mounted by a minimal client within one registry: one GetAuthorizationToken, then
 * one POST per blob to the registry's OCI API, `concurrency` at once. Returns milliseconds.
 */
export async function rawMount(
  url: string,
  from: string,
  to: string,
  digests: string[],
  concurrency: number
): Promise<number> {
  const started = performance.now()
  const { authorizationData } = (await call(url, 'GetAuthorizationToken', {})) as {
    authorizationData: Array<{ authorizationToken: string; proxyEndpoint: string }>
  }
  const { authorizationToken, proxyEndpoint } = authorizationData[0]!
  const mountOne = async (digest: string): Promise<void> => {
    const response = await fetch(
      `${proxyEndpoint}/v2/${to}/blobs/uploads/?mount=${digest}&from=${from}`,
      { method: 'POST', headers: { authorization: `Basic ${authorizationToken}` } }
    )
    await response.body?.cancel()
    if (response.status !== 201) throw new Error(`mount ${digest}: HTTP ${response.status}`)
  }
  const queue = [...digests]
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (queue.length > 0) await mountOne(queue.shift()!)
    })
  )
  return performance.now() - started
}
