// action.yml states the inputs of src/inputs/table.ts, in the table's words: the table is what the
// command line's options and --help are made of, so the two faces can never describe them apart.
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { INPUTS } from '../src/inputs/index.js'

interface ActionInput {
  description?: string
  required?: boolean
  default?: string
}

const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
  name?: string
  description?: string
  branding?: { icon?: string; color?: string }
  inputs: Record<string, ActionInput>
}

describe('action.yml', () => {
  test('has every input of the table, in its order, and no other', () => {
    expect(Object.keys(action.inputs)).toEqual(INPUTS.map((input) => input.name))
  })

  test.each(INPUTS.map((input) => [input.name, input] as const))(
    '%s: the description and default of the table',
    (name, input) => {
      const stated = action.inputs[name]!
      expect(stated.description).toBe(input.description)
      expect(stated.default).toBe(input.default)
    }
  )

  test('marks no input required: a release needs no repository, and its entries may carry the tags', () => {
    for (const [name, input] of Object.entries(action.inputs))
      expect({ name, required: input.required }).toEqual({ name, required: false })
  })

  test('is fit for the Marketplace: a name, a description under 125 characters, branding', () => {
    expect(action.name).toMatch(/\S/)
    expect(action.description!.length).toBeLessThan(125)
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) })
  })
})
