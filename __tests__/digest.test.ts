import { expect, test } from '@jest/globals'
import { sha256Digest } from '../src/digest.js'
test('digest', () => { expect(sha256Digest('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855') })
