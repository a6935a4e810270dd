export const id = 51;
export const ids = [51];
export const modules = {

/***/ 1051:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createPublicEcr: () => (/* binding */ createPublicEcr)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecr-public/dist-cjs/index.js
var dist_cjs = __webpack_require__(9821);
// EXTERNAL MODULE: ./src/aws-call.ts
var aws_call = __webpack_require__(2767);
// EXTERNAL MODULE: ./src/ecr-writes.ts
var ecr_writes = __webpack_require__(9986);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
// EXTERNAL MODULE: ./src/concurrency.ts
var concurrency = __webpack_require__(1532);
// EXTERNAL MODULE: ./src/references.ts
var references = __webpack_require__(653);
// EXTERNAL MODULE: ./src/manifest.ts
var manifest = __webpack_require__(5546);
// EXTERNAL MODULE: ./src/digest.ts
var src_digest = __webpack_require__(2187);
;// CONCATENATED MODULE: ./src/registry.ts
// ECR Public's registry endpoint, read through the OCI distribution API: ECR Public's own API has no
// BatchGetImage and no GetDownloadUrlForLayer. A pull token from the token endpoint, then manifests
// and blobs by reference. Callers verify every manifest against its digest, and blobs as they stream.




const PUBLIC_REGISTRY_URL = `https://${references/* PUBLIC_REGISTRY_HOST */.N0}`;
const DEFAULT_ATTEMPTS = 5;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function registryError(what, response, attempts) {
    const code = response.status === 429
        ? 'TooManyRequestsException'
        : response.status === 403
            ? 'AccessDeniedException'
            : 'RegistryError';
    return new errors/* EcrError */.JA(code, `${references/* PUBLIC_REGISTRY_HOST */.N0} answered HTTP ${response.status} to ${what}`, {
        httpStatus: response.status,
        attempts
    });
}
function createRegistryReader(options) {
    const base = (options.url ?? PUBLIC_REGISTRY_URL).replace(/\/+$/, '');
    const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
    const debug = options.debug ?? (() => { });
    const delay = options.retryDelay ?? ((attempt) => Math.random() * 250 * 2 ** attempt);
    const tokens = new Map();
    const located = new Set();
    /** A GET, retried on dropped connections, throttling and server errors. */
    async function get(what, url, headers) {
        const started = performance.now();
        for (let attempt = 1;; attempt++) {
            let response;
            try {
                response = await fetch(url, { headers });
            }
            catch (error) {
                if (attempt >= attempts) {
                    throw new errors/* EcrError */.JA('NetworkingError', `${what} failed: ${error.cause ?? error.message}`, { attempts: attempt });
                }
            }
            if (response && response.status !== 429 && response.status < 500) {
                debug(`${what}: HTTP ${response.status} in ${Math.round(performance.now() - started)} ms`);
                return { response, attempt };
            }
            if (response && attempt >= attempts)
                throw registryError(what, response, attempt);
            await response?.body?.cancel();
            await sleep(delay(attempt));
        }
    }
    function path(repository) {
        return `${repository.publicAlias}/${repository.name}`;
    }
    function token(repository, fresh) {
        const scope = `repository:${path(repository)}:pull`;
        if (fresh)
            tokens.delete(scope);
        let existing = tokens.get(scope);
        if (!existing) {
            existing = (async () => {
                const what = `a pull token for ${path(repository)}`;
                const { response, attempt } = await get(what, `${base}/token/?service=${references/* PUBLIC_REGISTRY_HOST */.N0}&scope=${encodeURIComponent(scope)}`, { authorization: `Basic ${await options.basicAuth()}` });
                const body = response.ok ? (await response.json()) : undefined;
                if (!body?.token) {
                    await response.body?.cancel();
                    throw registryError(what, response, attempt);
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
        for (const fresh of [false, true]) {
            const bearer = await token(repository, fresh);
            const answer = await get(what, url, { ...headers, authorization: `Bearer ${bearer}` });
            if (answer.response.status !== 401 || fresh)
                return answer;
            await answer.response.body?.cancel();
        }
        throw new Error('unreachable');
    }
    return {
        async manifest(repository, reference) {
            const what = `GET manifest ${references/* PUBLIC_REGISTRY_HOST */.N0}/${path(repository)}:${reference}`;
            const { response, attempt } = await authorizedGet(what, repository, `${base}/v2/${path(repository)}/manifests/${reference}`, { accept: manifest/* ACCEPTED_MEDIA_TYPES */.FG.join(', ') });
            if (response.status === 404) {
                await response.body?.cancel();
                return undefined;
            }
            if (response.status !== 200) {
                await response.body?.cancel();
                throw registryError(what, response, attempt);
            }
            const bytes = new Uint8Array(await response.arrayBuffer());
            // By digest, the digest asked for is the one to verify; by tag, the registry's word for it.
            const digest = references/* DIGEST_PATTERN */.WA.test(reference)
                ? reference
                : (response.headers.get('docker-content-digest') ?? (0,src_digest/* sha256Digest */.s)(bytes));
            const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
            return {
                digest,
                manifest: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
                ...(mediaType && { mediaType })
            };
        },
        async blobLocation(repository, digest) {
            // Asked again for the same blob: the download was refused, so the token may have expired.
            const url = `${base}/v2/${path(repository)}/blobs/${digest}`;
            const again = located.has(url);
            located.add(url);
            return { url, headers: { authorization: `Bearer ${await token(repository, again)}` } };
        }
    };
}

;// CONCATENATED MODULE: ./src/ecr-public.ts
// Amazon ECR Public: its API (us-east-1 only) for writes, tag state and layer uploads; its registry
// endpoint (registry.ts) for manifest and blob reads, which its API does not offer. Loaded only when
// a public.ecr.aws repository is named.







const READ_CONCURRENCY = 8;
function createPublicEcr(options) {
    const client = new dist_cjs/* ECRPUBLICClient */.Rr((0,aws_call/* clientSettings */.ry)(options, references/* PUBLIC_REGION */.Ne));
    const call = (0,aws_call/* caller */.mF)(options.debug ?? (() => { }));
    const where = references/* describeWhere */.tb;
    // Registry ids of the caller's public registries, by alias; asked once.
    let registries;
    let authorization;
    const registry = createRegistryReader({
        ...(options.publicRegistryUrl && { url: options.publicRegistryUrl }),
        ...(options.maxAttempts !== undefined && { attempts: options.maxAttempts }),
        ...(options.retryDelay && { retryDelay: options.retryDelay }),
        ...(options.debug && { debug: options.debug }),
        basicAuth: () => (authorization ??= call('GetAuthorizationToken (ECR Public)', () => client.send(new dist_cjs/* GetAuthorizationTokenCommand */.Eu({}))).then((output) => {
            const token = output.authorizationData?.authorizationToken;
            if (!token)
                throw new errors/* EcrError */.JA('MissingAuthorizationToken', 'ECR Public gave no token');
            return token;
        }))
    });
    function registryId(repository) {
        return repository.registryId ? { registryId: repository.registryId } : {};
    }
    function notPublic(operation) {
        throw new errors/* EcrError */.JA('UnsupportedCommandException', `ECR Public has no ${operation}; this action does not call it for a public repository`);
    }
    return {
        ...(0,ecr_writes/* sharedWrites */.Q)('ECR Public', call, (_repository, command) => client.send(command), {
            PutImage: dist_cjs/* PutImageCommand */.SU,
            BatchCheckLayerAvailability: dist_cjs/* BatchCheckLayerAvailabilityCommand */.Ym,
            InitiateLayerUpload: dist_cjs/* InitiateLayerUploadCommand */.Do,
            UploadLayerPart: dist_cjs/* UploadLayerPartCommand */.bV,
            CompleteLayerUpload: dist_cjs/* CompleteLayerUploadCommand */.fU
        }),
        async getImages(repository, ids) {
            const images = [];
            const failures = [];
            await (0,concurrency/* mapLimit */.s)(ids, READ_CONCURRENCY, async (id) => {
                // One reference per id: a tag, or a digest (the registry cannot check one against the other).
                const found = await registry.manifest(repository, id.digest ?? id.tag);
                if (!found) {
                    failures.push({ ...id, code: 'ImageNotFound', reason: 'Requested image not found' });
                    return;
                }
                images.push({
                    registryId: repository.registryId ?? '',
                    repositoryName: repository.name,
                    ...found,
                    ...(id.digest === undefined && { tag: id.tag })
                });
            });
            return { images, failures };
        },
        async presentImages(repository, digests) {
            const present = new Set();
            await (0,concurrency/* mapLimit */.s)(digests, READ_CONCURRENCY, async (digest) => {
                try {
                    await call(`DescribeImages ${where(repository)} ${digest}`, () => client.send(new dist_cjs/* DescribeImagesCommand */.ji({
                        ...registryId(repository),
                        repositoryName: repository.name,
                        imageIds: [{ imageDigest: digest }]
                    })));
                    present.add(digest);
                }
                catch (error) {
                    if (!(error instanceof errors/* EcrError */.JA && error.code === 'ImageNotFoundException'))
                        throw error;
                }
            });
            return present;
        },
        blobLocation: (repository, digest) => registry.blobLocation(repository, digest),
        listReferrers: () => notPublic('referrers listing'),
        async publicRegistryId(alias) {
            registries ??= (async () => {
                const byAlias = new Map();
                let nextToken;
                do {
                    const output = await call('DescribeRegistries (ECR Public)', () => client.send(new dist_cjs/* DescribeRegistriesCommand */.CO({ ...(nextToken && { nextToken }) })));
                    for (const entry of output.registries ?? []) {
                        for (const name of entry.aliases ?? [])
                            if (name.name && entry.registryId)
                                byAlias.set(name.name, entry.registryId);
                    }
                    nextToken = output.nextToken;
                } while (nextToken);
                return byAlias;
            })();
            const byAlias = await registries;
            const id = byAlias.get(alias);
            if (id === undefined) {
                const known = [...byAlias.keys()];
                throw new errors/* EcrError */.JA('RegistryAliasNotFound', `public.ecr.aws/${alias} is not a public registry of this AWS account (${known.length > 0 ? `its aliases: ${known.join(', ')}` : 'it has no public registry'}). Check the alias, or use credentials for the account that owns it.`);
            }
            return id;
        },
        async publicTagDigests(repository, tags) {
            const wanted = new Set(tags);
            const digests = new Map(tags.map((tag) => [tag, null]));
            let nextToken;
            do {
                const output = await call(`DescribeImageTags ${where(repository)}`, () => client.send(new dist_cjs/* DescribeImageTagsCommand */.V6({
                    ...registryId(repository),
                    repositoryName: repository.name,
                    maxResults: 1000,
                    ...(nextToken && { nextToken })
                })));
                for (const detail of output.imageTagDetails ?? []) {
                    const digest = detail.imageDetail?.imageDigest;
                    if (detail.imageTag && digest && wanted.has(detail.imageTag))
                        digests.set(detail.imageTag, digest);
                }
                nextToken = output.nextToken;
            } while (nextToken);
            return digests;
        }
    };
}


/***/ })

};
