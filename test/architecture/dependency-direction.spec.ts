import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layering of ../shared/STYLE.md, enforced on every import in the tree: adapters see only
 * the port and core; nothing above the port imports an adapter; libs are imported through their
 * root alias only; `@callplane/testing` and the simulators (libs/pbx-sim) only from tests, test
 * harnesses, the simulators' CLI (apps/pbx-sim), the demo and the bench; no lib imports an app.
 */
const ROOT = join(__dirname, '..', '..');

const ALLOWED: Record<string, string[]> = {
  core: [],
  pbx: ['core'],
  'pbx-asterisk': ['pbx', 'core'],
  'pbx-freeswitch': ['pbx', 'core'],
  contracts: ['core', 'pbx'],
  persistence: ['core', 'pbx', 'contracts'],
  calls: ['core', 'pbx', 'persistence', 'contracts'],
  acd: ['core', 'pbx', 'persistence', 'contracts', 'calls'],
  ivr: ['core', 'pbx', 'persistence', 'contracts', 'calls'],
  quality: ['core', 'pbx', 'persistence', 'contracts', 'calls'],
  recording: ['core', 'pbx', 'persistence', 'contracts', 'calls'],
  testing: ['core', 'pbx', 'pbx-sim', 'persistence', 'contracts', 'calls'],
  // The simulators speak the protocols from their own models; from the port they take only the
  // connection-config types and the Q.850 cause texts.
  'pbx-sim': ['core', 'pbx'],
};
const TEST_ONLY = ['testing', 'pbx-sim', 'persistence/testing'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import|require\()\s*['"](@callplane\/[^'"]+)['"]/g)].map((m) => m[1]);
}

/** Relative import specifiers of a file, resolved to paths relative to the repository root. */
function relativeImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]*)['"]/g)].map((m) =>
    relative(ROOT, resolve(dirname(file), m[1])),
  );
}

/** Test and bench code: specs, `testing/` helpers, `test/` and `bench/` folders, and the test-only `libs/testing`. */
const isTestFile = (f: string) => {
  const rel = relative(ROOT, f);
  return /\.(spec|e2e-spec|measure|bench)\.ts$/.test(f) || /(^|\/)(test|testing|bench)\//.test(rel) || rel.startsWith('libs/testing/');
};

describe('dependency direction', () => {
  const files = ['apps', 'libs', 'examples', 'bench']
    .map((d) => join(ROOT, d))
    .filter((d) => { try { return statSync(d).isDirectory(); } catch { return false; } })
    .flatMap(sourceFiles);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('libs import only what their layer allows, through root aliases', () => {
    const violations: string[] = [];
    for (const file of files) {
      const rel = relative(ROOT, file);
      const lib = rel.startsWith('libs/') ? rel.split('/')[1] : undefined;
      for (const spec of importsOf(file)) {
        const target = spec.slice('@callplane/'.length);
        if (target.includes('/') && target !== 'persistence/testing') violations.push(`${rel}: deep import ${spec}`);
        if (TEST_ONLY.includes(target) && !isTestFile(file) && !rel.startsWith('apps/pbx-sim') && !rel.includes('/demo/')) {
          violations.push(`${rel}: ${spec} is for tests, the simulator, the demo and the bench only`);
        }
        if (lib && !isTestFile(file) && target.split('/')[0] !== lib && !(ALLOWED[lib] ?? []).includes(target.split('/')[0])) {
          violations.push(`${rel}: ${lib} may not import ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('no lib imports anything under apps/, not even from its tests', () => {
    const violations: string[] = [];
    for (const file of files) {
      const rel = relative(ROOT, file);
      if (!rel.startsWith('libs/')) continue;
      for (const target of relativeImportsOf(file)) {
        if (target === 'apps' || target.startsWith('apps/')) violations.push(`${rel}: imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
