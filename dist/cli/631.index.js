export const id = 631;
export const ids = [631];
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

/***/ 631:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PrivateEcr: () => (/* binding */ PrivateEcr)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecr/dist-cjs/index.js
var dist_cjs = __webpack_require__(8249);
// EXTERNAL MODULE: ./src/oci/index.ts + 5 modules
var oci = __webpack_require__(5527);
// EXTERNAL MODULE: ./src/registry/blob-download.ts
var blob_download = __webpack_require__(4213);
// EXTERNAL MODULE: ./src/registry/lost-answers.ts
var lost_answers = __webpack_require__(2719);
// EXTERNAL MODULE: ./src/registry/errors.ts
var errors = __webpack_require__(6764);
;// CONCATENATED MODULE: ./src/registry/mounting.ts
// Blob mounting within one ECR registry, through its OCI API: one GetAccountSetting read per
// registry says whether to try (where it cannot be read, or the registry is another account's, the
// first try says), GetAuthorizationToken opens the API, and each blob is one POST. ECR mounts only
// within a registry (same account and region), between repositories encrypted alike; anything it
// declines is copied through the layer API by the caller, blob by blob.



const registryOf = (repository) => `${repository.registryId ?? 'default'}/${repository.region}`;
const ACROSS = {
    unsupported: 'mounting',
    reason: 'ECR mounts blobs only within one registry (the same account and region)'
};
class BlobMounter {
    service;
    access = new Map();
    /** Registries whose setting is unknown and whose first try did not mount: not tried again. */
    declined = new Set();
    constructor(service) {
        this.service = service;
    }
    async mount(target, source, digest) {
        const registry = registryOf(target);
        if (registryOf(source) !== registry || source.publicAlias !== undefined)
            return ACROSS;
        let known = this.access.get(registry);
        if (!known)
            this.access.set(registry, (known = this.open(target)));
        const access = await known;
        if (!access || access.enabled === false || this.declined.has(registry))
            return 'not-mounted';
        const url = `${access.url}/v2/${target.name}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(source.name)}`;
        const response = await this.service.transport.request(`mount ${digest} from ${source.name} into ${(0,oci/* describeRepository */.MD)(target)}`, this.service.target(target, 'MountBlob', { write: true }), url, { method: 'POST', headers: { authorization: access.authorization } });
        await response.body?.cancel();
        if (response.status === 201)
            return 'mounted';
        // Learnt from the answer: a registry that would not mount this one is not asked again.
        if (access.enabled === undefined)
            this.declined.add(registry);
        return 'not-mounted';
    }
    /**
     * The registry's OCI API, and whether BLOB_MOUNTING is on there. GetAccountSetting reads the
     * caller's own account, and GetAuthorizationToken's endpoint names it: the setting counts only
     * for a target in the caller's registry; for another account's it is unknown, and the first try
     * says. Undefined when the API cannot be opened (no ecr:GetAuthorizationToken): nothing mounts.
     */
    async open(target) {
        const [own, setting] = await Promise.all([
            this.token(target, undefined),
            this.service
                .send(target, new dist_cjs/* GetAccountSettingCommand */.pn5({ name: 'BLOB_MOUNTING' }), {
                about: '(BLOB_MOUNTING)'
            })
                .then((output) => output.value === 'ENABLED', unknown)
        ]);
        const ownAccount = own && /(\d{12})/.exec(own.url)?.[1];
        const theirs = target.registryId !== undefined && ownAccount !== target.registryId;
        const access = theirs ? await this.token(target, target.registryId) : own;
        return access && { ...access, enabled: theirs ? undefined : setting };
    }
    async token(target, registryId) {
        const output = await this.service
            .send(target, new dist_cjs/* GetAuthorizationTokenCommand */.Eu6({ ...(registryId && { registryIds: [registryId] }) }))
            .catch(unknown);
        const data = output?.authorizationData?.[0];
        if (!data?.authorizationToken || !data.proxyEndpoint)
            return undefined;
        return {
            url: data.proxyEndpoint.replace(/\/+$/, ''),
            authorization: `Basic ${data.authorizationToken}`
        };
    }
}
/** A registry-wide read that failed (denied, say): not known, unless the run is stopping. */
function unknown(error) {
    if (!(error instanceof errors/* EcrError */.JA) || error.kind === 'cancelled')
        throw error;
    return undefined;
}

// EXTERNAL MODULE: ./src/registry/service.ts
var service = __webpack_require__(1280);
// EXTERNAL MODULE: ./src/registry/writes.ts
var writes = __webpack_require__(6867);
;// CONCATENATED MODULE: ./src/registry/ecr.ts
// Private Amazon ECR through its API: the Registry operations for a repository in an account's
// registry, one SDK client per region.








function collect(results, repository) {
    const images = [];
    const failures = [];
    for (const result of results) {
        for (const image of result.images ?? []) {
            if (!image.imageId?.imageDigest || image.imageManifest === undefined)
                continue;
            images.push({
                registryId: image.registryId ?? repository.registryId ?? '',
                digest: image.imageId.imageDigest,
                manifest: image.imageManifest,
                ...(image.imageId.imageTag !== undefined && { tag: image.imageId.imageTag }),
                ...(image.imageManifestMediaType && { mediaType: image.imageManifestMediaType })
            });
        }
        for (const failure of result.failures ?? []) {
            failures.push({
                ...(failure.imageId?.imageTag !== undefined && { tag: failure.imageId.imageTag }),
                ...(failure.imageId?.imageDigest !== undefined && { digest: failure.imageId.imageDigest }),
                code: failure.failureCode ?? 'Unknown',
                reason: failure.failureReason ?? ''
            });
        }
    }
    return { images, failures };
}
/**
 * The digest of each tag among the images BatchGetImage found; null for a tag it did not find. Any
 * other failure leaves the tag's state unknown, and nothing may be planned on an unknown state.
 */
function tagsFound(answer, tags, repository) {
    const found = new Map(answer.images
        .filter((image) => image.tag !== undefined)
        .map((image) => [image.tag, image.digest]));
    return new Map(tags.map((tag) => {
        const failure = found.has(tag)
            ? undefined
            : answer.failures.find((candidate) => candidate.tag === tag && candidate.code !== 'ImageNotFound');
        if (failure) {
            throw new errors/* ExplainedError */.hM(`Cannot read the current state of tag "${tag}" in repository ${(0,oci/* describeRepository */.MD)(repository)}: ${failure.code}${failure.reason ? ` (${failure.reason})` : ''}. Nothing was written.`);
        }
        return [tag, found.get(tag) ?? null];
    }));
}
/** The findings of one page, basic or enhanced, reduced to what the gate judges and says. */
function findingsOf(page) {
    const findings = page.imageScanFindings;
    const defined = (fields) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value));
    return [
        ...(findings?.findings ?? []).map((finding) => {
            const attribute = (key) => finding.attributes?.find((a) => a.key === key)?.value;
            return {
                id: finding.name ?? '',
                severity: finding.severity ?? 'UNDEFINED',
                ...defined({
                    package: attribute('package_name'),
                    version: attribute('package_version'),
                    url: finding.uri
                })
            };
        }),
        ...(findings?.enhancedFindings ?? []).map((finding) => {
            const details = finding.packageVulnerabilityDetails;
            const vulnerable = details?.vulnerablePackages?.[0];
            return {
                id: details?.vulnerabilityId ?? finding.title ?? '',
                severity: finding.severity ?? 'UNTRIAGED',
                ...defined({
                    fixAvailable: finding.fixAvailable,
                    package: vulnerable?.name,
                    version: vulnerable?.version,
                    // Inspector says NotAvailable where no version fixes it.
                    fixedIn: vulnerable?.fixedInVersion === 'NotAvailable' ? undefined : vulnerable?.fixedInVersion,
                    url: details?.sourceUrl ?? finding.remediation?.recommendation?.url
                })
            };
        })
    ];
}
/** The encryption types CreateRepository takes, as the SDK names them. */
const ENCRYPTION_TYPES = ['AES256', 'KMS', 'KMS_DSSE'];
const idKey = (id) => id.tag !== undefined ? `tag:${id.tag}` : `digest:${id.digest}`;
const COMMANDS = {
    BatchDeleteImage: dist_cjs/* BatchDeleteImageCommand */.wau,
    PutImage: dist_cjs/* PutImageCommand */.SUU,
    BatchCheckLayerAvailability: dist_cjs/* BatchCheckLayerAvailabilityCommand */.YmI,
    InitiateLayerUpload: dist_cjs/* InitiateLayerUploadCommand */.Do9,
    UploadLayerPart: dist_cjs/* UploadLayerPartCommand */.bVv,
    CompleteLayerUpload: dist_cjs/* CompleteLayerUploadCommand */.fU9,
    DescribeImages: dist_cjs/* DescribeImagesCommand */.ji5
};
/** An ECRClient per region, made on first use. */
function clientsByRegion(transport) {
    const clients = new Map();
    return (region) => {
        let existing = clients.get(region);
        if (!existing) {
            existing = new dist_cjs.ECRClient(transport.clientConfig(region));
            clients.set(region, existing);
        }
        return existing;
    };
}
class PrivateEcr extends writes/* SharedWrites */.ol {
    download;
    mounter;
    /** The caller's repository creation templates, by region: each region's read once. */
    templates = new Map();
    constructor(transport, options) {
        super(new service/* Service */.kl(transport, {
            name: 'ECR',
            client: clientsByRegion(transport),
            endpoint: (region) => (0,service/* endpointOf */.X5)('ECR', region, options.endpoints),
            ...(options.stopWrites && { stopWrites: options.stopWrites })
        }), COMMANDS);
        this.download = options.download;
        this.mounter = new BlobMounter(this.service);
    }
    mountBlob(target, source, digest) {
        return this.mounter.mount(target, source, digest);
    }
    async writableRegistryId(repository) {
        return repository.registryId;
    }
    async getImages(repository, ids) {
        const unique = [...new Map(ids.map((id) => [idKey(id), id])).values()];
        const results = await Promise.all((0,writes/* chunk */.iv)(unique, writes/* BATCH_LIMIT */.BR).map((batch) => this.service.send(repository, new dist_cjs/* BatchGetImageCommand */.P8n({
            ...(0,writes/* inRepository */.yJ)(repository),
            imageIds: batch.map((id) => ({
                ...(id.tag !== undefined && { imageTag: id.tag }),
                ...(id.digest !== undefined && { imageDigest: id.digest })
            })),
            acceptedMediaTypes: oci/* ACCEPTED_MEDIA_TYPES */.FG
        }), { about: `(${batch.length} ids)` })));
        return collect(results, repository);
    }
    async tagDigests(repository, tags) {
        const answer = await this.getImages(repository, tags.map((tag) => ({ tag })));
        return tagsFound(answer, tags, repository);
    }
    async getImagesAndTags(repository, ids, tags) {
        const answer = await this.getImages(repository, [...ids, ...tags.map((tag) => ({ tag }))]);
        return { ...answer, tags: tagsFound(answer, tags, repository) };
    }
    async tagMutability(repository) {
        return (await this.repositorySettings(repository)).mutability;
    }
    /** DescribeRepositories for one repository: what ECR says of it. */
    async describe(repository) {
        const output = await this.service.send(repository, new dist_cjs/* DescribeRepositoriesCommand */.pE_({
            ...(repository.registryId && { registryId: repository.registryId }),
            repositoryNames: [repository.name]
        }));
        return output.repositories?.[0];
    }
    async repositorySettings(repository) {
        const found = await this.describe(repository);
        const encryption = found?.encryptionConfiguration;
        return {
            mutability: {
                mode: found?.imageTagMutability ?? 'MUTABLE',
                filters: (found?.imageTagMutabilityExclusionFilters ?? [])
                    .map((filter) => filter.filter)
                    .filter((filter) => filter !== undefined)
            },
            scanOnPush: found?.imageScanningConfiguration?.scanOnPush === true,
            encryption: {
                type: encryption?.encryptionType ?? 'AES256',
                ...(encryption?.kmsKey && { kmsKey: encryption.kmsKey })
            }
        };
    }
    async creationTemplate(repository, fallback) {
        // Read once per region however many repositories a run creates there.
        let read = this.templates.get(repository.region);
        if (!read) {
            read = (0,service/* allPages */.S4)((nextToken) => this.service.send(repository, new dist_cjs/* DescribeRepositoryCreationTemplatesCommand */.v18({ ...(nextToken && { nextToken }) })));
            read.catch(() => this.templates.delete(repository.region));
            this.templates.set(repository.region, read);
        }
        const pages = await read;
        // The caller's own registry's templates: another account's registry has its own.
        const own = pages[0]?.registryId;
        if (repository.registryId !== undefined && own !== undefined && own !== repository.registryId)
            return undefined;
        const templates = pages
            .flatMap((page) => page.repositoryCreationTemplates ?? [])
            .filter((template) => template.appliedFor?.includes('CREATE_ON_PUSH'));
        const template = templates
            .filter((t) => t.prefix && t.prefix !== 'ROOT' && repository.name.startsWith(`${t.prefix}/`))
            .sort((a, b) => b.prefix.length - a.prefix.length)[0] ??
            templates.find((t) => t.prefix === 'ROOT');
        if (!template)
            return undefined;
        const encryption = template.encryptionConfiguration;
        return {
            mutability: template.imageTagMutability
                ? {
                    mode: template.imageTagMutability,
                    filters: (template.imageTagMutabilityExclusionFilters ?? [])
                        .map((filter) => filter.filter)
                        .filter((filter) => filter !== undefined)
                }
                : fallback.mutability,
            scanOnPush: fallback.scanOnPush,
            encryption: encryption?.encryptionType
                ? {
                    type: encryption.encryptionType,
                    ...(encryption.kmsKey && { kmsKey: encryption.kmsKey })
                }
                : fallback.encryption,
            ...(template.resourceTags?.length && {
                tags: template.resourceTags.map((tag) => ({ key: tag.Key ?? '', value: tag.Value ?? '' }))
            }),
            template: template.prefix,
            notApplied: [
                ...(template.lifecyclePolicy ? ['its lifecycle policy'] : []),
                ...(template.repositoryPolicy ? ['its repository policy'] : [])
            ]
        };
    }
    async createRepository(repository, settings) {
        const { mode, filters } = settings.mutability;
        const encryptionType = ENCRYPTION_TYPES.find((type) => type === settings.encryption.type);
        if (!encryptionType)
            throw new errors/* EcrError */.JA('UnknownEncryptionType', `${(0,oci/* describeRepository */.MD)(repository)} cannot be created with encryption ${settings.encryption.type}, which this action does not know; create it by hand.`);
        const sentAt = Date.now();
        try {
            await this.service.send(repository, new dist_cjs/* CreateRepositoryCommand */.WTe({
                ...(0,writes/* inRepository */.yJ)(repository),
                imageTagMutability: mode,
                ...(filters.length > 0 && {
                    imageTagMutabilityExclusionFilters: filters.map((filter) => ({
                        filterType: 'WILDCARD',
                        filter
                    }))
                }),
                imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
                ...(settings.tags && {
                    tags: settings.tags.map((tag) => ({ Key: tag.key, Value: tag.value }))
                }),
                encryptionConfiguration: {
                    encryptionType,
                    ...(settings.encryption.kmsKey && { kmsKey: settings.encryption.kmsKey })
                }
            }), { write: true });
            return 'created';
        }
        catch (error) {
            if (!(error instanceof errors/* EcrError */.JA && error.code === 'RepositoryAlreadyExistsException'))
                throw error;
            // A retry that finds it may have found what an attempt whose answer was lost created.
            return error.unanswered > 0 && (await this.createdSince(repository, sentAt))
                ? 'created-unheard'
                : 'exists';
        }
    }
    /**
     * Whether the repository was created no earlier than `sentAt` (by ECR's clock, allowing for a
     * runner's): by the call sent then. False when its creation time cannot be read.
     */
    async createdSince(repository, sentAt) {
        const found = await this.describe(repository).catch(() => undefined);
        return (0,lost_answers/* madeSince */.O)(found?.createdAt?.getTime(), sentAt);
    }
    async presentImages(repository, digests) {
        const { images } = await this.getImages(repository, digests.map((digest) => ({ digest })));
        return new Set(images.map((image) => image.digest));
    }
    async readBlob(repository, digest) {
        const service = this.service;
        return (0,blob_download/* downloadBlob */.W)(service.transport, `blob ${digest} from ${(0,oci/* describeRepository */.MD)(repository)}`, service.target(repository, 'GetLayer'), 
        // A fresh presigned URL whenever the last one was refused: it may have expired.
        async () => {
            const output = await service.send(repository, new dist_cjs/* GetDownloadUrlForLayerCommand */.pKL({ ...(0,writes/* inRepository */.yJ)(repository), layerDigest: digest }), { about: digest });
            if (!output.downloadUrl)
                throw new errors/* EcrError */.JA('MissingDownloadUrl', `ECR gave no download URL for ${digest}`);
            return { url: output.downloadUrl };
        }, this.download);
    }
    async scan(repository, digest, allFindings) {
        let pages;
        try {
            pages = await (0,service/* allPages */.S4)((nextToken) => this.service.send(repository, new dist_cjs/* DescribeImageScanFindingsCommand */.TQ0({
                ...(0,writes/* inRepository */.yJ)(repository),
                imageId: { imageDigest: digest },
                maxResults: 1000,
                ...(nextToken && { nextToken })
            }), { about: digest }), () => allFindings);
        }
        catch (error) {
            if (error instanceof errors/* EcrError */.JA && error.code === 'ScanNotFoundException')
                return 'never-scanned';
            throw error;
        }
        return scanOf(pages);
    }
    async imageDetails(repository, ids) {
        const details = new Map();
        await Promise.all((0,writes/* chunk */.iv)(ids, writes/* BATCH_LIMIT */.BR).map(async (batch) => {
            const output = await this.service
                .send(repository, new dist_cjs/* DescribeImagesCommand */.ji5({
                ...(0,writes/* inRepository */.yJ)(repository),
                imageIds: batch.map((id) => id.digest !== undefined ? { imageDigest: id.digest } : { imageTag: id.tag }),
                // Archived and restoring images are left out unless asked for.
                filter: { imageStatus: 'ANY' }
            }), { about: `(${batch.length} image(s), any status)` })
                .catch(errors/* imageNotFound */.Dv);
            for (const detail of output?.imageDetails ?? [])
                if (detail.imageDigest)
                    details.set(detail.imageDigest, {
                        status: detail.imageStatus ?? 'ACTIVE',
                        tagCount: detail.imageTags?.length ?? 0,
                        ...(detail.imagePushedAt && { pushedAt: detail.imagePushedAt.getTime() })
                    });
        }));
        return details;
    }
    async signingRules(repository) {
        try {
            // The caller's own registry in the region: the call names no repository.
            const output = await this.service.send({ name: '', region: repository.region }, new dist_cjs/* GetSigningConfigurationCommand */.tUh({}));
            return (output.signingConfiguration?.rules ?? []).map((rule) => ({
                profileArn: rule.signingProfileArn ?? '',
                filters: (rule.repositoryFilters ?? []).map((filter) => filter.filter ?? '')
            }));
        }
        catch (error) {
            if (error instanceof errors/* EcrError */.JA && error.code === 'SigningConfigurationNotFoundException')
                return undefined;
            throw error;
        }
    }
    async lifecyclePolicy(repository) {
        try {
            const output = await this.service.send(repository, new dist_cjs/* GetLifecyclePolicyCommand */.O0C((0,writes/* inRepository */.yJ)(repository)));
            return output.lifecyclePolicyText;
        }
        catch (error) {
            if (error instanceof errors/* EcrError */.JA && error.code === 'LifecyclePolicyNotFoundException')
                return undefined;
            throw error;
        }
    }
    async listImages(repository) {
        const pages = await (0,service/* allPages */.S4)((nextToken) => this.service.send(repository, new dist_cjs/* DescribeImagesCommand */.ji5({
            ...(0,writes/* inRepository */.yJ)(repository),
            filter: { imageStatus: 'ANY' },
            maxResults: 1000,
            ...(nextToken && { nextToken })
        }), { about: '(every image)' }));
        return pages.flatMap((page) => (page.imageDetails ?? []).flatMap((detail) => detail.imageDigest
            ? [
                {
                    digest: detail.imageDigest,
                    tags: detail.imageTags ?? [],
                    pushedAt: detail.imagePushedAt?.getTime() ?? 0,
                    ...(detail.lastRecordedPullTime && {
                        lastPulledAt: detail.lastRecordedPullTime.getTime()
                    }),
                    status: detail.imageStatus ?? 'ACTIVE'
                }
            ]
            : []));
    }
    async restoreImage(repository, digest) {
        const output = await this.service.send(repository, new dist_cjs/* UpdateImageStorageClassCommand */.T_3({
            ...(0,writes/* inRepository */.yJ)(repository),
            imageId: { imageDigest: digest },
            targetStorageClass: 'STANDARD'
        }), { about: digest, write: true });
        return output.imageStatus ?? 'ACTIVATING';
    }
    async signingStatuses(repository, digest) {
        const output = await this.service.send(repository, new dist_cjs/* DescribeImageSigningStatusCommand */.feV({
            ...(0,writes/* inRepository */.yJ)(repository),
            imageId: { imageDigest: digest }
        }), { about: digest });
        return (output.signingStatuses ?? []).map((entry) => ({
            ...(entry.signingProfileArn && { profileArn: entry.signingProfileArn }),
            status: entry.status ?? 'UNKNOWN',
            ...(entry.failureCode && { failureCode: entry.failureCode }),
            ...(entry.failureReason && { failureReason: entry.failureReason })
        }));
    }
    async listReferrers(repository, digest) {
        const pages = await (0,service/* allPages */.S4)((nextToken) => this.service.send(repository, new dist_cjs/* ListImageReferrersCommand */.hxf({
            ...(0,writes/* inRepository */.yJ)(repository),
            subjectId: { imageDigest: digest },
            // Archived referrers too, which are otherwise left out: the caller decides about them.
            filter: { artifactStatus: 'ANY' },
            maxResults: 50,
            ...(nextToken && { nextToken })
        }), { about: digest }));
        const referrers = [];
        for (const referrer of pages.flatMap((page) => page.referrers ?? [])) {
            if (!referrer.digest || !referrer.mediaType)
                continue;
            referrers.push({
                digest: referrer.digest,
                mediaType: referrer.mediaType,
                ...(referrer.artifactType && { artifactType: referrer.artifactType }),
                ...(referrer.artifactStatus && { status: referrer.artifactStatus })
            });
        }
        return referrers;
    }
}
/** A scan's pages as one ImageScan: the first page's status and counts, every page's findings. */
function scanOf(pages) {
    const first = pages[0];
    const findings = first.imageScanFindings;
    return {
        status: first.imageScanStatus?.status ?? 'UNKNOWN',
        ...(first.imageScanStatus?.description && {
            description: first.imageScanStatus.description
        }),
        severityCounts: { ...findings?.findingSeverityCounts },
        findings: pages.flatMap(findingsOf),
        ...(findings?.imageScanCompletedAt && { completedAt: findings.imageScanCompletedAt }),
        ...(findings?.vulnerabilitySourceUpdatedAt && {
            sourceUpdatedAt: findings.vulnerabilitySourceUpdatedAt
        })
    };
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
