export const id = 493;
export const ids = [493];
export const modules = {

/***/ 4213:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ downloadBlob)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6764);
// One blob's bytes, from a presigned URL (ECR) or a registry endpoint (ECR Public), resumed with an
// HTTP Range after a dropped or stalled connection, so a big layer survives a flaky network.

class Interrupted extends Error {
    refused;
    constructor(message, refused = false) {
        super(message);
        this.refused = refused;
    }
}
const stopped = (label, attempts) => new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .EcrError */ .JA('Cancelled', `Downloading ${label} was interrupted by the run stopping`, {
    attempts,
    kind: 'cancelled'
});
/** Reads the next chunk, or gives up once nothing arrives for `timeoutMs` of waiting for it. */
async function readWithin(reader, timeoutMs, abort) {
    let timer;
    const stalled = new Promise((_, reject) => {
        timer = setTimeout(() => {
            const reason = new Interrupted(`no data for ${timeoutMs / 1000} s`);
            abort.abort(reason);
            reject(reason);
        }, timeoutMs);
    });
    try {
        return await Promise.race([reader.read(), stalled]);
    }
    finally {
        clearTimeout(timer);
    }
}
/**
 * Streams the blob from its first byte. The stall clock runs only while waiting for the network,
 * never while the consumer is busy with what it was given (uploading it, say). Failures of the
 * location calls themselves are EcrError and end the download; network faults are retried within
 * the transport's attempts.
 */
async function* downloadBlob(transport, 
/** The blob and where it comes from, as messages name it. */
label, locate, options = {}) {
    const stallTimeoutMs = transport.timeouts.stallMs;
    let received = 0;
    let location;
    let renew = false;
    for (let attempt = 1;; attempt++) {
        const abort = new AbortController();
        try {
            location ??= await locate(renew);
            const response = await transport.fetch(location.url, {
                signal: abort.signal,
                headers: { ...location.headers, ...(received > 0 && { range: `bytes=${received}-` }) }
            });
            if (response.status === 401 || response.status === 403)
                throw new Interrupted(`HTTP ${response.status}`, true);
            if (response.status !== 200 && response.status !== 206)
                throw new Interrupted(`HTTP ${response.status}`);
            if (!response.body)
                throw new Interrupted('no response body');
            // A server that ignores the range starts again from byte 0: skip what was already read.
            let skip = received > 0 && response.status === 200 ? received : 0;
            const reader = response.body.getReader();
            for (;;) {
                const { done, value } = await readWithin(reader, stallTimeoutMs, abort);
                if (done)
                    return;
                let bytes = value;
                if (skip > 0) {
                    const dropped = Math.min(skip, bytes.byteLength);
                    skip -= dropped;
                    bytes = bytes.subarray(dropped);
                    if (bytes.byteLength === 0)
                        continue;
                }
                received += bytes.byteLength;
                yield bytes;
            }
        }
        catch (error) {
            if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .EcrError */ .JA)
                throw error;
            if (transport.signal?.aborted)
                throw stopped(label, attempt);
            const reason = error.message;
            if (attempt >= transport.maxAttempts)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .EcrError */ .JA('DownloadFailed', `Downloading ${label} failed after ${attempt} attempts: ${reason}`, 
                // The network's fault, not the image's: a rerun may get through.
                { attempts: attempt, kind: 'transient' });
            renew = error instanceof Interrupted && error.refused;
            if (renew)
                location = undefined;
            options.onResume?.(label, received, reason);
            try {
                await transport.sleep(transport.delay(attempt), transport.signal);
            }
            catch {
                throw stopped(label, attempt);
            }
        }
        finally {
            abort.abort();
        }
    }
}


/***/ }),

/***/ 9493:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createPublicEcr: () => (/* binding */ createPublicEcr)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecr-public/dist-cjs/index.js
var dist_cjs = __webpack_require__(9821);
// EXTERNAL MODULE: ./src/oci/index.ts + 5 modules
var oci = __webpack_require__(5527);
// EXTERNAL MODULE: ./src/registry/blob-download.ts
var blob_download = __webpack_require__(4213);
// EXTERNAL MODULE: ./src/registry/concurrency.ts
var concurrency = __webpack_require__(2156);
// EXTERNAL MODULE: ./src/registry/errors.ts
var errors = __webpack_require__(6764);
;// CONCATENATED MODULE: ./src/registry/public-registry.ts
// ECR Public's registry endpoint, read through the OCI distribution API: ECR Public's own API has no
// BatchGetImage and no GetDownloadUrlForLayer. A pull token from the token endpoint, then manifests
// and blobs by reference. Callers verify every manifest against its digest, and blobs as they stream.


const PUBLIC_REGISTRY_URL = `https://${oci/* PUBLIC_REGISTRY_HOST */.N0}`;
function registryError(what, response) {
    const code = response.status === 429
        ? 'TooManyRequestsException'
        : response.status === 403
            ? 'AccessDeniedException'
            : 'RegistryError';
    return new errors/* EcrError */.JA(code, `${oci/* PUBLIC_REGISTRY_HOST */.N0} answered HTTP ${response.status} to ${what}`, {
        httpStatus: response.status
    });
}
function createPublicRegistryReader(transport, 
/** Basic credentials for the token endpoint: ECR Public's GetAuthorizationToken. */
basicAuth, url = PUBLIC_REGISTRY_URL) {
    const base = url.replace(/\/+$/, '');
    const tokens = new Map();
    const path = (repository) => `${repository.publicAlias}/${repository.name}`;
    function token(repository, renew) {
        const scope = `repository:${path(repository)}:pull`;
        if (renew)
            tokens.delete(scope);
        let existing = tokens.get(scope);
        if (!existing) {
            existing = (async () => {
                const what = `a pull token for ${path(repository)}`;
                const response = await transport.get(what, `${base}/token/?service=${oci/* PUBLIC_REGISTRY_HOST */.N0}&scope=${encodeURIComponent(scope)}`, { authorization: `Basic ${await basicAuth()}` });
                const body = response.ok ? (await response.json()) : undefined;
                if (!body?.token) {
                    await response.body?.cancel();
                    throw registryError(what, response);
                }
                return body.token;
            })();
            existing.catch(() => tokens.delete(scope));
            tokens.set(scope, existing);
        }
        return existing;
    }
    /** A GET with the pull token, fetching a fresh token once if the registry refuses the one held. */
    async function authorizedGet(what, repository, url, headers) {
        const first = await transport.get(what, url, {
            ...headers,
            authorization: `Bearer ${await token(repository, false)}`
        });
        if (first.status !== 401)
            return first;
        await first.body?.cancel();
        return transport.get(what, url, {
            ...headers,
            authorization: `Bearer ${await token(repository, true)}`
        });
    }
    return {
        async manifest(repository, reference) {
            const what = `GET manifest ${oci/* PUBLIC_REGISTRY_HOST */.N0}/${path(repository)}:${reference}`;
            const response = await authorizedGet(what, repository, `${base}/v2/${path(repository)}/manifests/${reference}`, { accept: oci/* ACCEPTED_MEDIA_TYPES */.FG.join(', ') });
            if (response.status === 404) {
                await response.body?.cancel();
                return undefined;
            }
            if (response.status !== 200) {
                await response.body?.cancel();
                throw registryError(what, response);
            }
            const bytes = new Uint8Array(await response.arrayBuffer());
            // By digest, the digest asked for is the one to verify; by tag, the registry's word for it.
            const digest = oci/* DIGEST_PATTERN */.WA.test(reference)
                ? reference
                : (response.headers.get('docker-content-digest') ?? (0,oci/* sha256Digest */.sI)(bytes));
            const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
            return {
                digest,
                manifest: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
                ...(mediaType && { mediaType })
            };
        },
        async blobLocation(repository, digest, renew) {
            return {
                url: `${base}/v2/${path(repository)}/blobs/${digest}`,
                headers: { authorization: `Bearer ${await token(repository, renew)}` }
            };
        }
    };
}

// EXTERNAL MODULE: ./src/registry/service.ts
var registry_service = __webpack_require__(1280);
// EXTERNAL MODULE: ./src/registry/endpoints.ts
var endpoints = __webpack_require__(2109);
// EXTERNAL MODULE: ./src/registry/writes.ts
var writes = __webpack_require__(6867);
;// CONCATENATED MODULE: ./src/registry/ecr-public.ts
// Amazon ECR Public: its API (us-east-1 only) for writes, tag state and layer uploads; its registry
// endpoint (public-registry.ts) for manifest and blob reads, which its API does not offer. Loaded
// only when a public.ecr.aws repository is named.








const READ_CONCURRENCY = 8;
/** Registry-wide calls count against the caller's own public registry. */
const REGISTRY_WIDE = { name: '', region: oci/* PUBLIC_REGION */.Ne, publicAlias: '(registry)' };
function createPublicEcr(transport, options) {
    const client = new dist_cjs/* ECRPUBLICClient */.Rr(transport.clientConfig(oci/* PUBLIC_REGION */.Ne));
    const service = (0,registry_service/* createService */.sR)('ECR Public', transport, () => client, (region) => (0,endpoints/* endpointOf */.X)('ECR_PUBLIC', region, options.endpoints), options.stopWrites);
    const where = oci/* describeRepository */.MD;
    // Registry ids of the caller's public registries, by alias; asked once.
    let registries;
    let authorization;
    const reader = createPublicRegistryReader(transport, () => (authorization ??= service
        .send('GetAuthorizationToken (ECR Public)', REGISTRY_WIDE, 'GetAuthorizationToken', new dist_cjs/* GetAuthorizationTokenCommand */.Eu({}))
        .then((output) => {
        const token = output.authorizationData?.authorizationToken;
        if (!token)
            throw new errors/* EcrError */.JA('MissingAuthorizationToken', 'ECR Public gave no token');
        return token;
    })), options.registryUrl);
    async function ownRegistries() {
        registries ??= (async () => {
            const byAlias = new Map();
            const pages = await (0,registry_service/* allPages */.S4)((nextToken) => service.send('DescribeRegistries (ECR Public)', REGISTRY_WIDE, 'DescribeRegistries', new dist_cjs/* DescribeRegistriesCommand */.CO({ ...(nextToken && { nextToken }) })));
            for (const entry of pages.flatMap((page) => page.registries ?? []))
                for (const name of entry.aliases ?? [])
                    if (name.name && entry.registryId)
                        byAlias.set(name.name, entry.registryId);
            return byAlias;
        })();
        return registries;
    }
    async function getImages(repository, ids) {
        const images = [];
        const failures = [];
        await (0,concurrency/* mapLimit */.s)(ids, READ_CONCURRENCY, async (id) => {
            // One reference per id: a tag, or a digest (the registry cannot check one against the other).
            const found = await reader.manifest(repository, id.digest ?? id.tag);
            if (!found) {
                failures.push({ ...id, code: 'ImageNotFound', reason: 'Requested image not found' });
                return;
            }
            images.push({
                registryId: repository.registryId ?? '',
                ...found,
                ...(id.digest === undefined && { tag: id.tag })
            });
        });
        return { images, failures };
    }
    /** Every tag of the repository and its digest: DescribeImageTags, every page. */
    async function allTags(repository) {
        const digests = new Map();
        const pages = await (0,registry_service/* allPages */.S4)((nextToken) => service.send(`DescribeImageTags ${where(repository)}`, repository, 'DescribeImageTags', new dist_cjs/* DescribeImageTagsCommand */.V6({
            ...(0,writes/* inRepository */.yJ)(repository),
            maxResults: 1000,
            ...(nextToken && { nextToken })
        })));
        for (const detail of pages.flatMap((page) => page.imageTagDetails ?? [])) {
            const digest = detail.imageDetail?.imageDigest;
            if (detail.imageTag && digest)
                digests.set(detail.imageTag, digest);
        }
        return digests;
    }
    async function tagDigests(repository, tags) {
        const all = await allTags(repository);
        return new Map(tags.map((tag) => [tag, all.get(tag) ?? null]));
    }
    return {
        ...(0,writes/* sharedWrites */.QX)(service, {
            PutImage: dist_cjs/* PutImageCommand */.SU,
            BatchCheckLayerAvailability: dist_cjs/* BatchCheckLayerAvailabilityCommand */.Ym,
            InitiateLayerUpload: dist_cjs/* InitiateLayerUploadCommand */.Do,
            UploadLayerPart: dist_cjs/* UploadLayerPartCommand */.bV,
            CompleteLayerUpload: dist_cjs/* CompleteLayerUploadCommand */.fU,
            DescribeImages: dist_cjs/* DescribeImagesCommand */.ji
        }, transport.timeouts),
        async writableRegistryId(repository) {
            const byAlias = await ownRegistries();
            const id = byAlias.get(repository.publicAlias);
            if (id === undefined) {
                const known = [...byAlias.keys()];
                throw new errors/* EcrError */.JA('RegistryAliasNotFound', `public.ecr.aws/${repository.publicAlias} is not a public registry of this AWS account (${known.length > 0 ? `its aliases: ${known.join(', ')}` : 'it has no public registry'}). Check the alias, or use credentials for the account that owns it.`);
            }
            return id;
        },
        getImages,
        tagDigests,
        async getImagesAndTags(repository, ids, tags) {
            const [answer, digests] = await Promise.all([
                getImages(repository, ids),
                tagDigests(repository, tags)
            ]);
            return { ...answer, tags: digests };
        },
        // ECR Public has no tag mutability setting to read.
        tagMutability: async () => undefined,
        async presentImages(repository, digests) {
            // DescribeImages: ECR Public's API, not the registry: one round trip, no token, no CDN.
            const present = new Set();
            await (0,concurrency/* mapLimit */.s)(digests, READ_CONCURRENCY, async (digest) => {
                const found = await service
                    .send(`DescribeImages ${where(repository)} ${digest}`, repository, 'DescribeImages', new dist_cjs/* DescribeImagesCommand */.ji({
                    ...(0,writes/* inRepository */.yJ)(repository),
                    imageIds: [{ imageDigest: digest }]
                }))
                    .then(() => true)
                    .catch(errors/* imageNotFound */.Dv);
                if (found)
                    present.add(digest);
            });
            return present;
        },
        readBlob: async (repository, digest) => (0,blob_download/* downloadBlob */.W)(transport, `blob ${digest} from ${where(repository)}`, (renew) => reader.blobLocation(repository, digest, renew), options.download),
        listReferrers: async () => ({
            unsupported: 'referrers',
            reason: 'ECR Public has no API that lists referrers'
        }),
        // ECR Public neither scans images nor signs them.
        scan: async () => ({ unsupported: 'scanning', reason: 'ECR Public does not scan images' }),
        signingStatuses: async () => ({
            unsupported: 'signing',
            reason: 'ECR Public has no managed signing'
        })
    };
}


/***/ }),

/***/ 1280:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S4: () => (/* binding */ allPages),
/* harmony export */   sR: () => (/* binding */ createService)
/* harmony export */ });

/**
 * Every page of a paginated call, in order: `page(token)` sends the call for one page; paging ends
 * at a page without a nextToken, or one after which `more` says to stop.
 */
async function allPages(page, more = () => true) {
    const pages = [];
    let nextToken;
    do {
        const output = await page(nextToken);
        pages.push(output);
        nextToken = more(output) ? output.nextToken : undefined;
    } while (nextToken);
    return pages;
}
/** The signals after which a write is not sent, as one; none when there are none. */
function notAfter(signals) {
    const given = signals.filter((signal) => signal !== undefined);
    if (given.length === 0)
        return {};
    return { notAfter: given.length === 1 ? given[0] : AbortSignal.any(given) };
}
function createService(name, transport, client, endpoint, stopWrites) {
    return {
        name,
        send(label, repository, operation, command, options = {}) {
            const target = {
                operation,
                registry: repository.registryId ?? repository.publicAlias ?? 'default',
                region: repository.region,
                isPublic: repository.publicAlias !== undefined,
                endpoint: endpoint(repository.region),
                ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
                ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
                ...(options.write && notAfter([stopWrites, options.notAfter]))
            };
            return transport.call(label, target, (abortSignal) => client(repository.region).send(command, { abortSignal }));
        }
    };
}


/***/ }),

/***/ 6867:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BR: () => (/* binding */ BATCH_LIMIT),
/* harmony export */   QX: () => (/* binding */ sharedWrites),
/* harmony export */   iv: () => (/* binding */ chunk),
/* harmony export */   yJ: () => (/* binding */ inRepository)
/* harmony export */ });
/* unused harmony export UploadLost */
/* harmony import */ var _oci_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5527);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6764);
// The calls ECR and ECR Public share request for request: PutImage, the layer upload calls, and
// DescribeImages for an image's tag count. Each
// implementation hands in its service (an SDK client behind the transport) and its command classes,
// so only those modules import the SDK and both services get the same requests, checks and answers.


/** ECR's limit on ids per batch call (BatchGetImage, BatchCheckLayerAvailability). */
const BATCH_LIMIT = 100;
/** A layer part gets the request timeout plus the time to send it at a slow 256 KiB/s. */
const SLOW_LINK_BYTES_PER_MS = 256;
/** ECR checks the whole layer's digest on completion: more time for a bigger layer. */
const COMPLETE_TIMEOUT_MS = 120_000;
/** Completions tried before the upload is given up as lost. */
const COMPLETE_ATTEMPTS = 6;
function chunk(items, size) {
    const chunks = [];
    for (let i = 0; i < items.length; i += size)
        chunks.push(items.slice(i, i + size));
    return chunks;
}
/** `registryId` only when one is named: unset means the caller's default registry. */
function inRepository(repository) {
    return {
        ...(repository.registryId && { registryId: repository.registryId }),
        repositoryName: repository.name
    };
}
/** An upload ECR no longer holds as this run left it: the blob must be uploaded afresh. */
class UploadLost extends _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EcrError */ .JA {
    constructor(message) {
        super('UploadLost', message, { kind: 'transient' });
    }
}
function sharedWrites(service, commands, timeouts) {
    const where = _oci_index_js__WEBPACK_IMPORTED_MODULE_0__/* .describeRepository */ .MD;
    async function checkBlobs(repository, digests) {
        const sizes = new Map();
        await Promise.all(chunk(digests, BATCH_LIMIT).map(async (batch) => {
            const output = await service.send(`BatchCheckLayerAvailability ${where(repository)} (${batch.length} blobs)`, repository, 'BatchCheckLayerAvailability', new commands.BatchCheckLayerAvailability({
                ...inRepository(repository),
                layerDigests: batch
            }));
            for (const layer of output.layers ?? []) {
                if (layer.layerDigest && layer.layerAvailability === 'AVAILABLE')
                    sizes.set(layer.layerDigest, layer.layerSize ?? 0);
            }
        }));
        return sizes;
    }
    return {
        checkBlobs,
        async tagCount(repository, id) {
            const output = await service
                .send(`DescribeImages ${where(repository)} ${id.digest ?? id.tag ?? ''}`, repository, 'DescribeImages', new commands.DescribeImages({
                ...inRepository(repository),
                imageIds: [id.digest !== undefined ? { imageDigest: id.digest } : { imageTag: id.tag }]
            }))
                // Not in the repository yet: it carries no tag there.
                .catch(_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .imageNotFound */ .Dv);
            return output?.imageDetails?.[0]?.imageTags?.length ?? 0;
        },
        async putImage(repository, request) {
            const output = await service.send(`PutImage ${where(repository)} ${request.tag !== undefined ? `tag ${request.tag}` : `by digest ${request.digest}`}`, repository, 'PutImage', new commands.PutImage({
                ...inRepository(repository),
                imageManifest: request.manifest,
                imageManifestMediaType: request.mediaType,
                imageDigest: request.digest,
                ...(request.tag !== undefined && { imageTag: request.tag })
            }), { write: true, ...(request.notAfter && { notAfter: request.notAfter }) });
            return output.image?.imageId?.imageDigest ?? '';
        },
        async startUpload(repository) {
            const output = await service.send(`InitiateLayerUpload ${where(repository)}`, repository, 'InitiateLayerUpload', new commands.InitiateLayerUpload(inRepository(repository)), { write: true });
            if (!output.uploadId)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EcrError */ .JA('MissingUploadId', `${service.name} gave no upload id`);
            return { uploadId: output.uploadId, ...(output.partSize && { partSize: output.partSize }) };
        },
        async uploadPart(repository, uploadId, first, bytes) {
            const last = first + bytes.length - 1;
            try {
                await service.send(`UploadLayerPart ${where(repository)} bytes ${first}-${last}`, repository, 'UploadLayerPart', new commands.UploadLayerPart({
                    ...inRepository(repository),
                    uploadId,
                    partFirstByte: first,
                    partLastByte: last,
                    layerPartBlob: bytes
                }), {
                    write: true,
                    timeoutMs: timeouts.requestMs + Math.ceil(bytes.length / SLOW_LINK_BYTES_PER_MS)
                });
            }
            catch (error) {
                if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EcrError */ .JA) || error.code !== 'InvalidLayerPartException')
                    throw error;
                // A retry of a part whose answer was lost: ECR already has it, which is all we asked.
                const received = error.lastValidByteReceived;
                if (received !== undefined && received >= last)
                    return;
                throw new UploadLost(`ECR holds bytes up to ${received ?? 'none'} of upload ${uploadId}, not the ${last} this copy sent: ${error.message}`);
            }
        },
        async completeUpload(repository, uploadId, digest) {
            // Attempt by attempt: when an answer is lost, the blob may already be complete, and only
            // BatchCheckLayerAvailability can tell; a plain retry would then find no upload.
            for (let attempt = 1;; attempt++) {
                try {
                    await service.send(`CompleteLayerUpload ${where(repository)} ${digest}`, repository, 'CompleteLayerUpload', new commands.CompleteLayerUpload({
                        ...inRepository(repository),
                        uploadId,
                        layerDigests: [digest]
                    }), {
                        write: true,
                        maxAttempts: 1,
                        timeoutMs: Math.max(timeouts.requestMs, COMPLETE_TIMEOUT_MS)
                    });
                    return 'completed';
                }
                catch (error) {
                    if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .EcrError */ .JA))
                        throw error;
                    if (error.code === 'LayerAlreadyExistsException')
                        return 'exists';
                    const lost = error.kind === 'transient' || error.kind === 'timeout';
                    if (!lost && error.code !== 'UploadNotFoundException')
                        throw error;
                    if ((await checkBlobs(repository, [digest])).has(digest))
                        return 'completed';
                    if (!lost)
                        throw new UploadLost(`Upload ${uploadId} of ${digest} is gone and the blob is not there`);
                    if (attempt >= COMPLETE_ATTEMPTS)
                        throw error;
                }
            }
        }
    };
}


/***/ })

};
