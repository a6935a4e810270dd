// The shape of src/, checked rather than hoped for: no import cycles (dynamic imports included), and
// dependencies that point one way, faces -> session -> inputs -> promotion -> copy -> registry -> oci.
import { describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const src = join(root, 'src')
const LAYERS = ['action|cli', 'session', 'inputs', 'promotion', 'copy', 'registry', 'oci']

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : []
  })
}

/** Every relative module a file imports: `import`, `export ... from`, and `import()`. */
export function importsOf(text: string): string[] {
  const pattern =
    /(?:^|[\s;])(?:import|export)\s(?:type\s)?[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^import\s+['"](\.[^'"]+)['"]/gm
  return [...text.matchAll(pattern)].map((match) => (match[1] ?? match[2] ?? match[3])!)
}

const graph = new Map(
  sources(src).map((file) => [
    file,
    importsOf(readFileSync(file, 'utf8')).map((specifier) =>
      normalize(join(dirname(file), specifier.replace(/\.js$/, '.ts')))
    )
  ])
)

/** Strongly connected components of more than one file, or a file importing itself. */
function cycles(): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const found: string[][] = []
  let counter = 0
  const visit = (file: string): void => {
    index.set(file, counter)
    low.set(file, counter++)
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue
      if (!index.has(next)) {
        visit(next)
        low.set(file, Math.min(low.get(file)!, low.get(next)!))
      } else if (stack.includes(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!))
    }
    if (low.get(file) !== index.get(file)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      component.push(relative(root, member))
    } while (member !== file)
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(component.sort())
  }
  for (const file of graph.keys()) if (!index.has(file)) visit(file)
  return found
}

const layerOf = (file: string): number => {
  const folder = relative(src, file).split('/')[0]!
  return LAYERS.findIndex((layer) => layer.split('|').includes(folder))
}

describe('src/', () => {
  test('the import scanner sees static, re-exported, type-only and dynamic imports', () => {
    expect(
      importsOf(
        "import { a } from './a.js'\nimport type { B } from '../b/index.js'\nexport * from './c.js'\nconst d = await import('./d.js')\nimport './e.js'"
      )
    ).toEqual(['./a.js', '../b/index.js', './c.js', './d.js', './e.js'])
  })

  test('has no import cycles', () => {
    expect(graph.size).toBeGreaterThan(20)
    expect(cycles()).toEqual([])
  })

  test('imports only layers below, and other folders only through their index.ts', () => {
    const wrong: string[] = []
    for (const [file, imports] of graph) {
      const from = layerOf(file)
      for (const target of imports) {
        const to = layerOf(target)
        const folder = relative(src, file).split('/')[0]
        const other = relative(src, target).split('/')[0]
        if (from < 0 || to < 0) continue
        if (to < from || (to === from && folder !== other))
          wrong.push(`${relative(root, file)} -> ${relative(root, target)}`)
        if (folder !== other && !target.endsWith('/index.ts'))
          wrong.push(
            `${relative(root, file)} -> ${relative(root, target)} (not the folder's index.ts)`
          )
      }
    }
    expect(wrong).toEqual([])
  })

  test('the faces reach AWS only through the session; the environment is read only at the edge', () => {
    const wrong: string[] = []
    for (const [file, imports] of graph) {
      const folder = relative(src, file).split('/')[0]
      if (folder === 'action' || folder === 'cli')
        for (const target of imports) {
          const other = relative(src, target).split('/')[0]
          if (other === 'registry')
            wrong.push(`${relative(root, file)} -> ${relative(root, target)}`)
        }
      // Configuration is read once by the faces and the session, and handed down as options.
      if (
        !['action', 'cli', 'session'].includes(folder!) &&
        /process\.env/.test(readFileSync(file, 'utf8'))
      )
        wrong.push(`${relative(root, file)} reads process.env`)
    }
    expect(wrong).toEqual([])
  })
})
