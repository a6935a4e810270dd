// Reads the promotion record a run left behind, checked against the schema it is documented by.
import { expect } from '@jest/globals'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { readFileSync } from 'node:fs'
import schema from '../schema/record.schema.json' with { type: 'json' }
import type { PromotionRecord } from '../src/promotion/index.js'

const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(
  schema
)

/** `record`, failing the test unless the schema accepts it. */
export function checkRecord(record: unknown): PromotionRecord {
  validate(record)
  expect(validate.errors ?? []).toEqual([])
  return record as PromotionRecord
}

/** The record at `path` (the `record` output), failing the test unless the schema accepts it. */
export function readRecord(path: string | undefined): PromotionRecord {
  expect(path).toMatch(/\.json$/)
  return checkRecord(JSON.parse(readFileSync(path!, 'utf8')))
}
