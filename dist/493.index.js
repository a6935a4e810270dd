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
/** A request that failed in a way the next attempt may get past is resumed like a dropped body. */
function resumable(error) {
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .EcrError */ .JA && (error.kind === 'transient' || error.kind === 'timeout'))
        throw new Interrupted(error.message);
    throw error;
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
 * Streams the blob from its first byte. Each request goes through the transport's loop (paced,
 * retried on throttling, 5xx and connections that fail, its headers timed out); a body that stalls
 * or breaks off is resumed from where it stopped. The stall clock runs only while waiting for the
 * network, never while the consumer is busy with what it was given (uploading it, say). Failures of
 * the location calls and of the transport's loop are EcrError and end the download.
 */
async function* downloadBlob(transport, 
/** The blob and where it comes from, as messages name it. */
label, 
/** What the download's requests are paced and named as. */
target, locate, options = {}) {
    const stallTimeoutMs = transport.timeouts.stallMs;
    let received = 0;
    let location;
    let renew = false;
    for (let attempt = 1;; attempt++) {
        const abort = new AbortController();
        try {
            location ??= await locate(renew);
            // One attempt per request through the transport's loop (paced, throttling waited out, its
            // headers timed out); a request that fails is resumed here, with the other interruptions.
            const response = await transport
                .request(`GET ${label}`, { ...target, maxAttempts: 1 }, location.url, {
                signal: abort.signal,
                streaming: true,
                headers: { ...location.headers, ...(received > 0 && { range: `bytes=${received}-` }) }
            })
                .catch(resumable);
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
            await transport.pause(label, attempt).catch(() => {
                throw stopped(label, attempt);
            });
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
  PublicEcr: () => (/* binding */ PublicEcr)
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
    const code = response.status === 403 ? 'AccessDeniedException' : 'RegistryError';
    return new errors/* EcrError */.JA(code, `${oci/* PUBLIC_REGISTRY_HOST */.N0} answered HTTP ${response.status} to ${what}`, {
        httpStatus: response.status
    });
}
/** What a registry GET is paced and named as: ECR Public's registry endpoint, not its API. */
const REGISTRY_GET = 'RegistryGet';
/**
 * Manifests and blob locations from ECR Public's registry endpoint. `basicAuth` gives the basic
 * credentials for its token endpoint (ECR Public's GetAuthorizationToken).
 */
class PublicRegistryReader {
    service;
    basicAuth;
    base;
    tokens = new Map();
    constructor(service, basicAuth, url = PUBLIC_REGISTRY_URL) {
        this.service = service;
        this.basicAuth = basicAuth;
        this.base = url.replace(/\/+$/, '');
    }
    /** The manifest `reference` (a tag or digest) names, or undefined when there is none. */
    async manifest(repository, reference) {
        const what = `GET manifest ${oci/* PUBLIC_REGISTRY_HOST */.N0}/${path(repository)}:${reference}`;
        const response = await this.authorizedGet(what, repository, `${this.base}/v2/${path(repository)}/manifests/${reference}`, { accept: oci/* ACCEPTED_MEDIA_TYPES */.FG.join(', ') });
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
    }
    /** Where to download a blob, with a pull token; `renew` asks for a fresh token. */
    async blobLocation(repository, digest, renew) {
        return {
            url: `${this.base}/v2/${path(repository)}/blobs/${digest}`,
            headers: { authorization: `Bearer ${await this.token(repository, renew)}` }
        };
    }
    /** What the registry's GETs are paced and named as. */
    target(repository) {
        return this.service.target(repository, REGISTRY_GET);
    }
    token(repository, renew) {
        const scope = `repository:${path(repository)}:pull`;
        if (renew)
            this.tokens.delete(scope);
        let existing = this.tokens.get(scope);
        if (!existing) {
            existing = this.fetchToken(repository, scope);
            existing.catch(() => this.tokens.delete(scope));
            this.tokens.set(scope, existing);
        }
        return existing;
    }
    async fetchToken(repository, scope) {
        const what = `a pull token for ${path(repository)}`;
        const response = await this.service.transport.request(what, this.target(repository), `${this.base}/token/?service=${oci/* PUBLIC_REGISTRY_HOST */.N0}&scope=${encodeURIComponent(scope)}`, { headers: { authorization: `Basic ${await this.basicAuth()}` } });
        const body = response.ok ? (await response.json()) : undefined;
        if (!body?.token) {
            await response.body?.cancel();
            throw registryError(what, response);
        }
        return body.token;
    }
    /** A GET with the pull token, fetching a fresh token once if the registry refuses the one held. */
    async authorizedGet(what, repository, url, headers) {
        const get = async (renew) => this.service.transport.request(what, this.target(repository), url, {
            headers: { ...headers, authorization: `Bearer ${await this.token(repository, renew)}` }
        });
        const first = await get(false);
        if (first.status !== 401)
            return first;
        await first.body?.cancel();
        return get(true);
    }
}
const path = (repository) => `${repository.publicAlias}/${repository.name}`;

// EXTERNAL MODULE: ./src/registry/service.ts
var service = __webpack_require__(1280);
// EXTERNAL MODULE: ./src/registry/writes.ts
var writes = __webpack_require__(6867);
;// CONCATENATED MODULE: ./src/registry/ecr-public.ts
// Amazon ECR Public: its API (us-east-1 only) for writes, tag state and layer uploads; its registry
// endpoint (public-registry.ts) for manifest and blob reads, which its API does not offer. Loaded
// only when a public.ecr.aws repository is named.








const READ_CONCURRENCY = 8;
const NOT_ARCHIVED = {
    unsupported: 'archive',
    reason: 'ECR Public has no archive storage class'
};
const NO_LIFECYCLE = {
    unsupported: 'lifecycle',
    reason: 'ECR Public has no lifecycle policies'
};
const NOT_CREATED = {
    unsupported: 'repository-creation',
    reason: 'this action does not create ECR Public repositories'
};
/** Registry-wide calls count against the caller's own public registry. */
const REGISTRY_WIDE = { name: '', region: oci/* PUBLIC_REGION */.Ne, publicAlias: '(registry)' };
const COMMANDS = {
    BatchDeleteImage: dist_cjs/* BatchDeleteImageCommand */.w,
    PutImage: dist_cjs/* PutImageCommand */.SU,
    BatchCheckLayerAvailability: dist_cjs/* BatchCheckLayerAvailabilityCommand */.Ym,
    InitiateLayerUpload: dist_cjs/* InitiateLayerUploadCommand */.Do,
    UploadLayerPart: dist_cjs/* UploadLayerPartCommand */.bV,
    CompleteLayerUpload: dist_cjs/* CompleteLayerUploadCommand */.fU,
    DescribeImages: dist_cjs/* DescribeImagesCommand */.ji
};
class PublicEcr extends writes/* SharedWrites */.ol {
    options;
    reader;
    /** Registry ids of the caller's public registries, by alias; asked once. */
    registries;
    authorization;
    constructor(transport, options) {
        const client = new dist_cjs/* ECRPUBLICClient */.Rr(transport.clientConfig(oci/* PUBLIC_REGION */.Ne));
        super(new service/* Service */.kl(transport, {
            name: 'ECR Public',
            client: () => client,
            endpoint: (region) => (0,service/* endpointOf */.X5)('ECR_PUBLIC', region, options.endpoints),
            ...(options.stopWrites && { stopWrites: options.stopWrites })
        }), COMMANDS);
        this.options = options;
        this.reader = new PublicRegistryReader(this.service, () => (this.authorization ??= this.basicAuthorization()), options.registryUrl);
    }
    async writableRegistryId(repository) {
        const byAlias = await (this.registries ??= this.ownRegistries());
        const id = byAlias.get(repository.publicAlias);
        if (id === undefined) {
            const known = [...byAlias.keys()];
            throw new errors/* EcrError */.JA('RegistryAliasNotFound', `public.ecr.aws/${repository.publicAlias} is not a public registry of this AWS account (${known.length > 0 ? `its aliases: ${known.join(', ')}` : 'it has no public registry'}). Check the alias, or use credentials for the account that owns it.`);
        }
        return id;
    }
    async getImages(repository, ids) {
        const images = [];
        const failures = [];
        await (0,concurrency/* mapLimit */.s)(ids, READ_CONCURRENCY, async (id) => {
            // One reference per id: a tag, or a digest (the registry cannot check one against the other).
            const found = await this.reader.manifest(repository, id.digest ?? id.tag);
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
    async tagDigests(repository, tags) {
        const all = await this.allTags(repository);
        return new Map(tags.map((tag) => [tag, all.get(tag) ?? null]));
    }
    async getImagesAndTags(repository, ids, tags) {
        const [answer, digests] = await Promise.all([
            this.getImages(repository, ids),
            this.tagDigests(repository, tags)
        ]);
        return { ...answer, tags: digests };
    }
    /** ECR Public has no tag mutability setting to read. */
    async tagMutability() {
        return undefined;
    }
    async presentImages(repository, digests) {
        // DescribeImages: ECR Public's API, not the registry: one round trip, no token, no CDN.
        const present = new Set();
        await (0,concurrency/* mapLimit */.s)(digests, READ_CONCURRENCY, async (digest) => {
            const found = await this.service
                .send(repository, new dist_cjs/* DescribeImagesCommand */.ji({
                ...(0,writes/* inRepository */.yJ)(repository),
                imageIds: [{ imageDigest: digest }]
            }), { about: digest })
                .then(() => true)
                .catch(errors/* imageNotFound */.Dv);
            if (found)
                present.add(digest);
        });
        return present;
    }
    async readBlob(repository, digest) {
        return (0,blob_download/* downloadBlob */.W)(this.service.transport, `blob ${digest} from ${(0,oci/* describeRepository */.MD)(repository)}`, this.reader.target(repository), (renew) => this.reader.blobLocation(repository, digest, renew), this.options.download);
    }
    async listReferrers() {
        return { unsupported: 'referrers', reason: 'ECR Public has no API that lists referrers' };
    }
    async scan() {
        return { unsupported: 'scanning', reason: 'ECR Public does not scan images' };
    }
    async repositorySettings() {
        return NOT_CREATED;
    }
    async creationTemplate() {
        return NOT_CREATED;
    }
    async createRepository() {
        return NOT_CREATED;
    }
    async mountBlob() {
        return { unsupported: 'mounting', reason: 'ECR Public does not mount blobs' };
    }
    async imageDetails() {
        return NOT_ARCHIVED;
    }
    async signingRules() {
        return { unsupported: 'signing', reason: 'ECR Public does not sign images' };
    }
    async lifecyclePolicy() {
        return NO_LIFECYCLE;
    }
    async listImages() {
        return NO_LIFECYCLE;
    }
    async restoreImage() {
        return NOT_ARCHIVED;
    }
    async signingStatuses() {
        return { unsupported: 'signing', reason: 'ECR Public has no managed signing' };
    }
    async basicAuthorization() {
        const output = await this.service.send(REGISTRY_WIDE, new dist_cjs/* GetAuthorizationTokenCommand */.Eu({}));
        const token = output.authorizationData?.authorizationToken;
        if (!token)
            throw new errors/* EcrError */.JA('MissingAuthorizationToken', 'ECR Public gave no token');
        return token;
    }
    async ownRegistries() {
        const byAlias = new Map();
        const pages = await (0,service/* allPages */.S4)((nextToken) => this.service.send(REGISTRY_WIDE, new dist_cjs/* DescribeRegistriesCommand */.CO({ ...(nextToken && { nextToken }) })));
        for (const entry of pages.flatMap((page) => page.registries ?? []))
            for (const name of entry.aliases ?? [])
                if (name.name && entry.registryId)
                    byAlias.set(name.name, entry.registryId);
        return byAlias;
    }
    /** Every tag of the repository and its digest: DescribeImageTags, every page. */
    async allTags(repository) {
        const digests = new Map();
        const pages = await (0,service/* allPages */.S4)((nextToken) => this.service.send(repository, new dist_cjs/* DescribeImageTagsCommand */.V6({
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
}


/***/ }),

/***/ 1280:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S4: () => (/* binding */ allPages),
/* harmony export */   X5: () => (/* reexport safe */ _endpoints_js__WEBPACK_IMPORTED_MODULE_1__.X),
/* harmony export */   kl: () => (/* binding */ Service)
/* harmony export */ });
/* unused harmony export operationOf */
/* harmony import */ var _oci_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5527);
/* harmony import */ var _endpoints_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2109);


/**
 * The operation a command calls, as the SDK's command class names it (its operation schema): what
 * the call is paced by and named as.
 */
function operationOf(command) {
    const schema = 'schema' in command ? command.schema : undefined;
    const name = Array.isArray(schema)
        ? schema[2]
        : typeof schema === 'object' && schema !== null && 'name' in schema
            ? schema.name
            : undefined;
    if (typeof name !== 'string')
        throw new TypeError('The AWS SDK command carries no operation name (its schema changed)');
    return name;
}
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
/** One service's calls, each through the transport's one policy. */
class Service {
    name;
    transport;
    options;
    constructor(transport, options) {
        this.transport = transport;
        this.name = options.name;
        this.options = options;
    }
    /** Sends `command` for `repository`: paced, timed out and retried; errors come back as EcrError. */
    send(repository, command, options = {}) {
        const target = this.target(repository, operationOf(command), options);
        const where = repository.name === '' ? `(${this.name})` : (0,_oci_index_js__WEBPACK_IMPORTED_MODULE_0__/* .describeRepository */ .MD)(repository);
        const label = `${target.operation} ${where}${options.about ? ` ${options.about}` : ''}`;
        return this.transport.call(label, target, (abortSignal) => this.options.client(repository.region).send(command, { abortSignal }));
    }
    /** Where a call of `operation` for `repository` goes: what paces it and how errors name it. */
    target(repository, operation, options = {}) {
        return {
            operation,
            registry: repository.registryId ?? repository.publicAlias ?? 'default',
            region: repository.region,
            isPublic: repository.publicAlias !== undefined,
            endpoint: this.options.endpoint(repository.region),
            ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
            ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
            ...(options.write &&
                notAfter([options.despiteStop ? undefined : this.options.stopWrites, options.notAfter]))
        };
    }
}


/***/ }),

/***/ 6867:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BR: () => (/* binding */ BATCH_LIMIT),
/* harmony export */   iv: () => (/* binding */ chunk),
/* harmony export */   ol: () => (/* binding */ SharedWrites),
/* harmony export */   yJ: () => (/* binding */ inRepository)
/* harmony export */ });
/* unused harmony export UploadLost */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6764);

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
class UploadLost extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .EcrError */ .JA {
    constructor(message) {
        super('UploadLost', message, { kind: 'transient' });
    }
}
/**
 * The calls ECR and ECR Public share: each implementation extends this with its service and its
 * SDK's command classes.
 */
class SharedWrites {
    service;
    commands;
    constructor(service, commands) {
        this.service = service;
        this.commands = commands;
    }
    async checkBlobs(repository, digests) {
        const sizes = new Map();
        await Promise.all(chunk(digests, BATCH_LIMIT).map(async (batch) => {
            const output = await this.service.send(repository, new this.commands.BatchCheckLayerAvailability({
                ...inRepository(repository),
                layerDigests: batch
            }), { about: `(${batch.length} blobs)` });
            for (const layer of output.layers ?? []) {
                if (layer.layerDigest && layer.layerAvailability === 'AVAILABLE')
                    sizes.set(layer.layerDigest, layer.layerSize ?? 0);
            }
        }));
        return sizes;
    }
    async tagCount(repository, id) {
        const output = await this.service
            .send(repository, new this.commands.DescribeImages({
            ...inRepository(repository),
            imageIds: [id.digest !== undefined ? { imageDigest: id.digest } : { imageTag: id.tag }]
        }), { about: id.digest ?? id.tag ?? '' })
            // Not in the repository yet: it carries no tag there.
            .catch(_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .imageNotFound */ .Dv);
        return output?.imageDetails?.[0]?.imageTags?.length ?? 0;
    }
    async putImage(repository, request) {
        const output = await this.service.send(repository, new this.commands.PutImage({
            ...inRepository(repository),
            imageManifest: request.manifest,
            imageManifestMediaType: request.mediaType,
            imageDigest: request.digest,
            ...(request.tag !== undefined && { imageTag: request.tag })
        }), {
            about: request.tag !== undefined ? `tag ${request.tag}` : `by digest ${request.digest}`,
            write: true,
            ...(request.notAfter && { notAfter: request.notAfter }),
            ...(request.despiteStop && { despiteStop: true })
        });
        return output.image?.imageId?.imageDigest ?? '';
    }
    async untag(repository, tag, options = {}) {
        const output = await this.service.send(repository, new this.commands.BatchDeleteImage({
            ...inRepository(repository),
            imageIds: [{ imageTag: tag }]
        }), { about: `tag ${tag}`, write: true, ...options });
        const failure = output.failures?.[0];
        // Already gone is what was asked.
        if (failure && failure.failureCode !== 'ImageNotFound')
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .EcrError */ .JA(failure.failureCode ?? 'Unknown', `Removing tag ${tag} failed: ${failure.failureReason ?? failure.failureCode}`);
    }
    async startUpload(repository) {
        const output = await this.service.send(repository, new this.commands.InitiateLayerUpload(inRepository(repository)), { write: true });
        if (!output.uploadId)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .EcrError */ .JA('MissingUploadId', `${this.service.name} gave no upload id`);
        return { uploadId: output.uploadId, ...(output.partSize && { partSize: output.partSize }) };
    }
    async uploadPart(repository, uploadId, first, bytes) {
        const last = first + bytes.length - 1;
        try {
            await this.service.send(repository, new this.commands.UploadLayerPart({
                ...inRepository(repository),
                uploadId,
                partFirstByte: first,
                partLastByte: last,
                layerPartBlob: bytes
            }), {
                about: `bytes ${first}-${last}`,
                write: true,
                timeoutMs: this.service.transport.timeouts.requestMs +
                    Math.ceil(bytes.length / SLOW_LINK_BYTES_PER_MS)
            });
        }
        catch (error) {
            if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .EcrError */ .JA) || error.code !== 'InvalidLayerPartException')
                throw error;
            // A retry of a part whose answer was lost: ECR already has it, which is all we asked.
            const received = error.lastValidByteReceived;
            if (received !== undefined && received >= last)
                return;
            throw new UploadLost(`ECR holds bytes up to ${received ?? 'none'} of upload ${uploadId}, not the ${last} this copy sent: ${error.message}`);
        }
    }
    /**
     * Attempt by attempt, backing off as the transport does: when an answer is lost, the blob may
     * already be complete, and only BatchCheckLayerAvailability can tell; a plain retry would then
     * find no upload.
     */
    async completeUpload(repository, uploadId, digest) {
        for (let attempt = 1;; attempt++) {
            try {
                await this.service.send(repository, new this.commands.CompleteLayerUpload({
                    ...inRepository(repository),
                    uploadId,
                    layerDigests: [digest]
                }), {
                    about: digest,
                    write: true,
                    maxAttempts: 1,
                    timeoutMs: Math.max(this.service.transport.timeouts.requestMs, COMPLETE_TIMEOUT_MS)
                });
                return 'completed';
            }
            catch (error) {
                if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .EcrError */ .JA))
                    throw error;
                if (error.code === 'LayerAlreadyExistsException')
                    return 'exists';
                const lost = error.kind === 'transient' || error.kind === 'timeout';
                if (!lost && error.code !== 'UploadNotFoundException')
                    throw error;
                if ((await this.checkBlobs(repository, [digest])).has(digest))
                    return 'completed';
                if (!lost)
                    throw new UploadLost(`Upload ${uploadId} of ${digest} is gone and the blob is not there`);
                if (attempt >= COMPLETE_ATTEMPTS)
                    throw error;
                await this.service.transport.pause(`CompleteLayerUpload ${digest}`, attempt);
            }
        }
    }
}


/***/ })

};
