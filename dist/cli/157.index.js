export const id = 157;
export const ids = [157];
export const modules = {

/***/ 1157:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  parseReleaseDocument: () => (/* binding */ parseReleaseDocument)
});

// EXTERNAL MODULE: ./node_modules/ajv/dist/2020.js
var _2020 = __webpack_require__(2210);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./schema/release.schema.json
const release_schema_namespaceObject = /*#__PURE__*/JSON.parse('{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://github.com/your-org/ecr-promote/blob/v1/schema/release.schema.json","title":"ecr-promote release file","description":"The images of a release, promoted in one step by ecr-promote\'s sources-file input (or inline in sources): nothing is written unless every image resolves and every tag may be written.","type":"array","minItems":1,"maxItems":1000,"items":{"type":"object","additionalProperties":false,"required":["repository"],"anyOf":[{"required":["tag"]},{"required":["digest"]}],"properties":{"repository":{"description":"The source repository: a name (in the registry-id and region inputs), a full ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME URI, or public.ecr.aws/ALIAS/NAME.","type":"string","minLength":2,"maxLength":512},"tag":{"description":"The source tag. With digest too, both must name the same image.","type":"string","pattern":"^[a-zA-Z0-9_.-]{1,300}$"},"digest":{"description":"The source digest.","type":"string","pattern":"^sha256:[0-9a-f]{64}$"},"expected-digest":{"description":"Guard: the source must resolve to exactly this digest, or nothing is written for any image.","type":"string","pattern":"^sha256:[0-9a-f]{64}$"},"target-repository":{"description":"Where this image\'s tags go, when not its own name in target-registry-id and target-region: a name, a full URI or public.ecr.aws/ALIAS/NAME.","type":"string","minLength":2,"maxLength":512},"tags":{"description":"Tags for this image beside those the tags input gives every image.","type":"array","maxItems":1000,"items":{"type":"string","pattern":"^[a-zA-Z0-9_.-]{1,300}$"}}}}}');
// EXTERNAL MODULE: ./src/inputs/errors.ts
var errors = __webpack_require__(1318);
;// CONCATENATED MODULE: ./src/inputs/release-file.ts
// A release document (YAML or JSON): read, and validated against schema/release.schema.json, with
// every error naming the entry and its field. Loaded only when a release is given this way.




const validate = new _2020.Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(release_schema_namespaceObject);
/** `entry 3 (app:staging), field "tag": must match pattern ...`, one line per problem. */
function describeError(error, document) {
    const [index, field, item] = error.instancePath.split('/').slice(1);
    if (index === undefined)
        return `the document ${error.message}`;
    const entry = document[Number(index)];
    const named = typeof entry?.repository === 'string'
        ? ` (${entry.repository}${typeof entry.tag === 'string' ? `:${entry.tag}` : ''})`
        : '';
    const where = `entry ${Number(index) + 1}${named}`;
    if (error.keyword === 'additionalProperties')
        return `${where}: unknown field ${(0,errors/* quote */.h)(String(error.params.additionalProperty))}; the fields are repository, tag, digest, expected-digest, target-repository and tags`;
    if (error.keyword === 'required')
        return `${where}: field "${String(error.params.missingProperty)}" is required`;
    if (error.keyword === 'anyOf')
        return `${where}: give a tag, a digest, or both`;
    if (field === undefined)
        return `${where} ${error.message}`;
    return `${where}, field "${field}"${item !== undefined ? ` item ${Number(item) + 1}` : ''}: ${error.message}`;
}
/** The entries of a release document; `input` is the input it came from, for errors. */
function parseReleaseDocument(text, input) {
    let document;
    try {
        document = (0,dist/* parse */.qg)(text, { prettyErrors: true });
    }
    catch (error) {
        throw new errors/* InputError */.d(input, `is not YAML or JSON: ${error.message.split('\n')[0]}`);
    }
    if (!validate(document)) {
        const problems = [...new Set((validate.errors ?? []).map((e) => describeError(e, document)))];
        // anyOf reports each branch's missing field too; the summary line says it better.
        const shown = problems.filter((problem) => !/field "(tag|digest)" is required/.test(problem) ||
            !problems.some((p) => p.includes('give a tag')));
        throw new errors/* InputError */.d(input, shown.join('; '));
    }
    return document.map((entry) => ({
        repository: entry.repository,
        ...(entry.tag !== undefined && { tag: entry.tag }),
        ...(entry.digest !== undefined && { digest: entry.digest }),
        ...(entry['expected-digest'] !== undefined && { expectedDigest: entry['expected-digest'] }),
        ...(entry['target-repository'] !== undefined && {
            targetRepository: entry['target-repository']
        }),
        tags: entry.tags ?? []
    }));
}


/***/ })

};
