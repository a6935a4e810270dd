export const id = 211;
export const ids = [211];
export const modules = {

/***/ 7211:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.createPublicEcr = createPublicEcr;
// Amazon ECR Public: its API (us-east-1 only) for writes, tag state and layer uploads; its registry
// endpoint (public-registry.ts) for manifest and blob reads, which its API does not offer. Loaded
// only when a public.ecr.aws repository is named.
const client_ecr_public_1 = __webpack_require__(9821);
const index_js_1 = __webpack_require__(8701);
const blob_download_js_1 = __webpack_require__(4213);
const concurrency_js_1 = __webpack_require__(2156);
const errors_js_1 = __webpack_require__(6764);
const public_registry_js_1 = __webpack_require__(6688);
const service_js_1 = __webpack_require__(1280);
const writes_js_1 = __webpack_require__(6867);
const READ_CONCURRENCY = 8;
/** Registry-wide calls count against the caller's own public registry. */
const REGISTRY_WIDE = { name: '', region: index_js_1.PUBLIC_REGION, publicAlias: '(registry)' };
function createPublicEcr(transport, options) {
    const client = new client_ecr_public_1.ECRPUBLICClient(transport.clientConfig(index_js_1.PUBLIC_REGION));
    const service = (0, service_js_1.createService)('ECR Public', transport, () => client, (region) => (0, service_js_1.endpointOf)('ECR_PUBLIC', region), options.stopWrites);
    const where = index_js_1.describeRepository;
    // Registry ids of the caller's public registries, by alias; asked once.
    let registries;
    let authorization;
    const reader = (0, public_registry_js_1.createPublicRegistryReader)(transport, () => (authorization ??= service
        .send('GetAuthorizationToken (ECR Public)', REGISTRY_WIDE, 'GetAuthorizationToken', new client_ecr_public_1.GetAuthorizationTokenCommand({}))
        .then((output) => {
        const token = output.authorizationData?.authorizationToken;
        if (!token)
            throw new errors_js_1.EcrError('MissingAuthorizationToken', 'ECR Public gave no token');
        return token;
    })), options.registryUrl);
    async function ownRegistries() {
        registries ??= (async () => {
            const byAlias = new Map();
            let nextToken;
            do {
                const output = await service.send('DescribeRegistries (ECR Public)', REGISTRY_WIDE, 'DescribeRegistries', new client_ecr_public_1.DescribeRegistriesCommand({ ...(nextToken && { nextToken }) }));
                for (const entry of output.registries ?? []) {
                    for (const name of entry.aliases ?? [])
                        if (name.name && entry.registryId)
                            byAlias.set(name.name, entry.registryId);
                }
                nextToken = output.nextToken;
            } while (nextToken);
            return byAlias;
        })();
        return registries;
    }
    async function getImages(repository, ids) {
        const images = [];
        const failures = [];
        await (0, concurrency_js_1.mapLimit)(ids, READ_CONCURRENCY, async (id) => {
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
    async function tagDigests(repository, tags) {
        const wanted = new Set(tags);
        const digests = new Map(tags.map((tag) => [tag, null]));
        let nextToken;
        do {
            const output = await service.send(`DescribeImageTags ${where(repository)}`, repository, 'DescribeImageTags', new client_ecr_public_1.DescribeImageTagsCommand({
                ...(0, writes_js_1.inRepository)(repository),
                maxResults: 1000,
                ...(nextToken && { nextToken })
            }));
            for (const detail of output.imageTagDetails ?? []) {
                const digest = detail.imageDetail?.imageDigest;
                if (detail.imageTag && digest && wanted.has(detail.imageTag))
                    digests.set(detail.imageTag, digest);
            }
            nextToken = output.nextToken;
        } while (nextToken);
        return digests;
    }
    return {
        ...(0, writes_js_1.sharedWrites)(service, {
            PutImage: client_ecr_public_1.PutImageCommand,
            BatchCheckLayerAvailability: client_ecr_public_1.BatchCheckLayerAvailabilityCommand,
            InitiateLayerUpload: client_ecr_public_1.InitiateLayerUploadCommand,
            UploadLayerPart: client_ecr_public_1.UploadLayerPartCommand,
            CompleteLayerUpload: client_ecr_public_1.CompleteLayerUploadCommand
        }, transport.timeouts),
        async writableRegistryId(repository) {
            const byAlias = await ownRegistries();
            const id = byAlias.get(repository.publicAlias);
            if (id === undefined) {
                const known = [...byAlias.keys()];
                throw new errors_js_1.EcrError('RegistryAliasNotFound', `public.ecr.aws/${repository.publicAlias} is not a public registry of this AWS account (${known.length > 0 ? `its aliases: ${known.join(', ')}` : 'it has no public registry'}). Check the alias, or use credentials for the account that owns it.`);
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
        async presentImages(repository, digests) {
            // DescribeImages: ECR Public's API, not the registry: one round trip, no token, no CDN.
            const present = new Set();
            await (0, concurrency_js_1.mapLimit)(digests, READ_CONCURRENCY, async (digest) => {
                try {
                    await service.send(`DescribeImages ${where(repository)} ${digest}`, repository, 'DescribeImages', new client_ecr_public_1.DescribeImagesCommand({
                        ...(0, writes_js_1.inRepository)(repository),
                        imageIds: [{ imageDigest: digest }]
                    }));
                    present.add(digest);
                }
                catch (error) {
                    if (!(error instanceof errors_js_1.EcrError && error.code === 'ImageNotFoundException'))
                        throw error;
                }
            });
            return present;
        },
        readBlob: async (repository, digest) => (0, blob_download_js_1.downloadBlob)(transport, `blob ${digest} from ${where(repository)}`, (renew) => reader.blobLocation(repository, digest, renew), options.download),
        listReferrers: async () => undefined
    };
}


/***/ }),

/***/ 6688:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.createPublicRegistryReader = createPublicRegistryReader;
// ECR Public's registry endpoint, read through the OCI distribution API: ECR Public's own API has no
// BatchGetImage and no GetDownloadUrlForLayer. A pull token from the token endpoint, then manifests
// and blobs by reference. Callers verify every manifest against its digest, and blobs as they stream.
const index_js_1 = __webpack_require__(8701);
const errors_js_1 = __webpack_require__(6764);
const PUBLIC_REGISTRY_URL = `https://${index_js_1.PUBLIC_REGISTRY_HOST}`;
function registryError(what, response) {
    const code = response.status === 429
        ? 'TooManyRequestsException'
        : response.status === 403
            ? 'AccessDeniedException'
            : 'RegistryError';
    return new errors_js_1.EcrError(code, `${index_js_1.PUBLIC_REGISTRY_HOST} answered HTTP ${response.status} to ${what}`, {
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
                const response = await transport.get(what, `${base}/token/?service=${index_js_1.PUBLIC_REGISTRY_HOST}&scope=${encodeURIComponent(scope)}`, { authorization: `Basic ${await basicAuth()}` });
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
            const what = `GET manifest ${index_js_1.PUBLIC_REGISTRY_HOST}/${path(repository)}:${reference}`;
            const response = await authorizedGet(what, repository, `${base}/v2/${path(repository)}/manifests/${reference}`, { accept: index_js_1.ACCEPTED_MEDIA_TYPES.join(', ') });
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
            const digest = index_js_1.DIGEST_PATTERN.test(reference)
                ? reference
                : (response.headers.get('docker-content-digest') ?? (0, index_js_1.sha256Digest)(bytes));
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


/***/ })

};
