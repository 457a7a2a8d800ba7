import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAsteriskConf } from './asterisk-conf';
import { parseXml } from './xml-well-formed';

const root = resolve(__dirname, '../..');
const dirs = { asterisk: join(root, 'asterisk-config'), freeswitch: join(root, 'freeswitch-config') };

function templatesIn(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return templatesIn(path).map((f) => join(name, f));
    return /\.(conf|xml)$/.test(name) ? [name] : [];
  });
}

/** Every ${CALLPLANE_*} placeholder in the templates of `dir`, found independently of render.sh. */
function placeholders(dir: string): string[] {
  const names = templatesIn(dir).flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/\$\{(CALLPLANE_[A-Z0-9_]+)\}/g)].map((m) => m[1]));
  return [...new Set(names)].sort();
}

function render(dir: string, args: string[], vars: Record<string, string>) {
  const result = spawnSync('bash', [join(dir, 'render.sh'), ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...vars }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A value with every character the target formats must escape: `;` (Asterisk), XML specials. */
const NASTY = `pa;ss&w<o>r"d'9`;

function validVars(names: string[], nasty = 'CALLPLANE_AGENT_1001_PASSWORD'): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, n === nasty ? NASTY : `value-of-${n.toLowerCase()}`]));
}

describe('render.sh', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'callplane-render-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('is one shared script that both folders delegate to', () => {
    for (const dir of Object.values(dirs)) expect(readFileSync(join(dir, 'render.sh'), 'utf8')).toContain('docker/render-pbx-config.sh" "$here" "$@"');
  });

  describe.each(Object.entries(dirs))('%s-config', (_pbx, dir) => {
    const names = placeholders(dir);

    it('--list names exactly the placeholders the templates use', () => {
      const out = render(dir, ['--list'], {});
      expect(out.status).toBe(0);
      expect(out.stdout.trim().split('\n')).toEqual(names);
      expect(names.length).toBeGreaterThanOrEqual(5);
    });

    it.each(names)('refuses to render while %s is empty, and writes nothing', (missing) => {
      const out = render(dir, [join(work, 'etc')], { ...validVars(names), [missing]: '' });
      expect(out.status).toBe(1);
      expect(out.stderr).toContain(`${missing} is unset or empty`);
      expect(existsSync(join(work, 'etc'))).toBe(false);
    });

    it('refuses with every unset variable named when the environment is empty', () => {
      const out = render(dir, [join(work, 'etc')], {});
      expect(out.status).toBe(1);
      for (const name of names) expect(out.stderr).toContain(name);
      expect(existsSync(join(work, 'etc'))).toBe(false);
    });

    it('refuses well-known default and short secrets', () => {
      const secret = names.find((n) => /_(PASSWORD|SECRET)$/.test(n))!;
      for (const weak of ['ClueCon', 'changeme', 'short', 'CHANGE_ME_secret_value']) {
        const out = render(dir, [join(work, 'etc')], { ...validVars(names), [secret]: weak });
        expect(out.status).toBe(1);
        expect(out.stderr).toContain(secret);
      }
      expect(existsSync(join(work, 'etc'))).toBe(false);
    });

    it('renders every template with the values substituted and escaped for its format', () => {
      const vars = validVars(names);
      const out = render(dir, [join(work, 'etc')], vars);
      expect(out.stderr).toBe('');
      expect(out.status).toBe(0);
      const rendered = templatesIn(join(work, 'etc')).sort();
      expect(rendered).toEqual(templatesIn(dir).sort());
      for (const file of rendered) {
        const text = readFileSync(join(work, 'etc', file), 'utf8');
        expect({ file, left: text.match(/\$\{CALLPLANE_[A-Z0-9_]+\}/g) }).toEqual({ file, left: null });
        expect(statSync(join(work, 'etc', file)).mode & 0o777).toBe(0o640);
        if (file.endsWith('.xml')) expect({ file, errors: parseXml(text).errors }).toEqual({ file, errors: [] });
      }
      // The tricky value must come back unchanged through each format's own parser.
      const password = rendered.flatMap((file) => {
        const text = readFileSync(join(work, 'etc', file), 'utf8');
        if (file.endsWith('.conf')) return parseAsteriskConf(text).flatMap((s) => s.entries.filter((e) => e.key === 'password').map((e) => e.value));
        return parseXml(text).elements.filter((e) => e.name === 'param' && e.attrs.name === 'password').map((e) => e.attrs.value);
      });
      expect(password).toContain(NASTY);
    });

    it('leaves the PBX variables of the templates alone', () => {
      render(dir, [join(work, 'etc')], validVars(names));
      for (const file of templatesIn(dir)) {
        const pbxVars = (s: string) => s.match(/\$\$?\{(?!CALLPLANE_)[^}]+\}/g) ?? [];
        expect(pbxVars(readFileSync(join(work, 'etc', file), 'utf8'))).toEqual(pbxVars(readFileSync(join(dir, file), 'utf8')));
      }
    });

    it('backs up a file it replaces once, then overwrites it in place', () => {
      const vars = validVars(names);
      const name = names[names.length - 1];
      const file = templatesIn(dir).find((f) => readFileSync(join(dir, f), 'utf8').includes(`\${${name}}`))!;
      expect(render(dir, [join(work, 'etc')], vars).status).toBe(0);
      expect(render(dir, [join(work, 'etc')], { ...vars, [name]: 'a-second-value-1' }).status).toBe(0);
      expect(render(dir, [join(work, 'etc')], { ...vars, [name]: 'a-third-value-12' }).status).toBe(0);
      expect(readFileSync(join(work, 'etc', `${file}.callplane-orig`), 'utf8')).toContain(vars[name]);
      expect(readFileSync(join(work, 'etc', file), 'utf8')).toContain('a-third-value-12');
    });

    it('refuses to render into its own template directory', () => {
      const out = render(dir, [dir], validVars(names));
      expect(out.status).toBe(2);
    });
  });
});
