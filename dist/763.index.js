export const id = 763;
export const ids = [763];
export const modules = {

/***/ 9763:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseRollbackRecord: () => (/* binding */ parseRollbackRecord)
/* harmony export */ });
/* harmony import */ var _oci_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5527);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1318);
// rollback-record: the promotion record of an earlier run (the predicate, an in-toto statement
// around it, or the run's `result`), read as the rollback needs it. Each image's target, the digest the run wrote, and
// where each tag it wrote pointed before; anything else in the record is not needed and not read.


const INPUT = 'rollback-record';
const PREDICATE_TYPE = 'urn:ecr-promote:promotion:v1';
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const ACCOUNT = /^\d{12}$/;
/** What a run wrote, and a rollback undoes. */
const WRITTEN = new Set(['created', 'moved']);
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
function fail(file, why) {
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(INPUT, `${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .quote */ .h)(file)} ${why}`);
}
/** A `result` (the action's output, its result-file, the command line's --json) as a record. */
function fromResult(result, file) {
    if (isObject(result.shortened))
        fail(file, 'is a shortened result: give its result-file, or the record, which hold every image');
    const images = Array.isArray(result.images) ? result.images : [result];
    return {
        ...result,
        images: images.map((image) => {
            if (!isObject(image))
                return image;
            const { repository, registryId, region, publicAlias } = image;
            return { ...image, target: { repository, registryId, region, publicAlias } };
        })
    };
}
/**
 * The record: the file itself, the `predicate` of an in-toto statement around it, or a `result`
 * (which names the same images and tags, for runs of the command line, which writes no record).
 */
function predicateOf(text, file) {
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch (error) {
        fail(file, `is not JSON: ${error.message}`);
    }
    if (isObject(parsed) && isObject(parsed.predicate)) {
        if (parsed.predicateType !== PREDICATE_TYPE)
            fail(file, `is an attestation of ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .quote */ .h)(String(parsed.predicateType))}, not of a promotion`);
        parsed = parsed.predicate;
    }
    const isResult = isObject(parsed) &&
        !('tool' in parsed) &&
        typeof parsed.status === 'string' &&
        (Array.isArray(parsed.images) || Array.isArray(parsed.tags));
    if (isResult)
        parsed = fromResult(parsed, file);
    else if (!isObject(parsed) || !isObject(parsed.tool) || parsed.tool.name !== 'ecr-promote')
        fail(file, `is not a promotion record (${PREDICATE_TYPE}) or result: give the record or result of a run`);
    const record = parsed;
    if (!Array.isArray(record.images))
        fail(file, 'names no images');
    if (record.dryRun === true)
        fail(file, 'is the record of a dry run, which wrote nothing to undo');
    return record;
}
/** The repository an entry's tags are in, settled: the record names its registry. */
function targetOf(entry, where, file) {
    const target = isObject(entry.target) ? entry.target : {};
    const { repository: name, registryId, region, publicAlias } = target;
    if (typeof name !== 'string' || !(0,_oci_index_js__WEBPACK_IMPORTED_MODULE_0__/* .isValidRepositoryName */ .oi)(name))
        fail(file, `${where}: target.repository is not a repository name`);
    if (typeof region !== 'string' || region === '')
        fail(file, `${where}: target.region is missing`);
    if (typeof publicAlias === 'string')
        return { name, region, publicAlias, registryId: String(registryId ?? '') };
    if (typeof registryId !== 'string' || !ACCOUNT.test(registryId))
        fail(file, `${where}: target.registryId is not an account id`);
    return { name, region, registryId };
}
/** An entry's tags that its run wrote, with where each pointed before. */
function writtenTags(entry, where, file) {
    if (!Array.isArray(entry.tags))
        fail(file, `${where}: tags is not a list`);
    const written = new Map();
    for (const tag of entry.tags) {
        if (!isObject(tag) || typeof tag.tag !== 'string' || !_oci_index_js__WEBPACK_IMPORTED_MODULE_0__/* .TAG_PATTERN */ .A0.test(tag.tag))
            fail(file, `${where}: a tag is not a valid tag`);
        if (typeof tag.status !== 'string' || !WRITTEN.has(tag.status))
            continue;
        const before = tag.previousDigest;
        if (before !== null && (typeof before !== 'string' || !DIGEST.test(before)))
            fail(file, `${where}: tag "${tag.tag}" was ${tag.status} but its previousDigest is missing`);
        written.set(tag.tag, before);
    }
    return written;
}
/** The rollback a record asks for: each image, the digest its run wrote, and its written tags. */
function parseRollbackRecord(text, file) {
    const record = predicateOf(text, file);
    const claimed = new Set();
    const images = record.images.flatMap((entry, i) => {
        const where = `image ${i + 1}`;
        if (!isObject(entry) || typeof entry.name !== 'string')
            fail(file, `${where} has no name`);
        const previous = writtenTags(entry, `${where} (${entry.name})`, file);
        // An image that run never resolved wrote nothing, and may not name its registry.
        if (previous.size === 0 && !(isObject(entry.target) && entry.target.registryId))
            return [];
        const target = targetOf(entry, where, file);
        // A tag two entries of one release wrote (the same image named twice) is undone once.
        for (const tag of previous.keys()) {
            const key = `${target.registryId}/${target.publicAlias ?? ''}/${target.region}/${target.name}:${tag}`;
            if (claimed.has(key))
                previous.delete(tag);
            claimed.add(key);
        }
        const digest = entry.digest;
        if (previous.size > 0 && (typeof digest !== 'string' || !DIGEST.test(digest)))
            fail(file, `${where} (${entry.name}): digest is missing`);
        const request = {
            name: entry.name,
            source: target,
            target,
            ...(typeof digest === 'string' && { sourceDigest: digest }),
            tags: [...previous.keys()]
        };
        return [{ request, target, digest: typeof digest === 'string' ? digest : '', previous }];
    });
    if (images.length === 0)
        fail(file, 'names no image its run resolved: that run wrote nothing to undo');
    const promotedAt = typeof record.promotedAt === 'string' ? record.promotedAt : '';
    const provenance = isObject(record.provenance) ? record.provenance : {};
    return {
        of: {
            promotedAt,
            ...(typeof provenance.runUrl === 'string' && { runUrl: provenance.runUrl })
        },
        images
    };
}


/***/ })

};
