// Pure data about images: repository and image references and their one formatter, manifests and
// digests. Imports nothing of this project's other folders and no SDK: everything else builds on it.
export * from './digest.js'
export * from './format.js'
export * from './manifest.js'
export * from './reference.js'
export * from './repository.js'
