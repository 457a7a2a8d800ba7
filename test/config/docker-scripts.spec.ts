import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const sh = (script: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync('sh', [join(root, 'docker', script), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });

describe('docker/entrypoint.sh', () => {
  it('runs the command when no variable holds the CHANGE_ME placeholder', () => {
    const out = sh('entrypoint.sh', ['echo', 'started'], { JWT_SECRET: 'a'.repeat(40) });
    expect(out.status).toBe(0);
    expect(out.stdout.trim()).toBe('started');
  });

  it('refuses to start, naming each variable that still holds CHANGE_ME', () => {
    const out = sh('entrypoint.sh', ['echo', 'started'], { JWT_SECRET: 'CHANGE_ME_jwt', MYSQL_PASSWORD: 'CHANGE_ME_db', LOG_LEVEL: 'info' });
    expect(out.status).toBe(78);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('JWT_SECRET');
    expect(out.stderr).toContain('MYSQL_PASSWORD');
    expect(out.stderr).not.toContain('LOG_LEVEL');
  });
});

describe('docker/pbx-overlay.sh', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'callplane-overlay-'));
    mkdirSync(join(work, 'src/autoload_configs'), { recursive: true });
    mkdirSync(join(work, 'etc'));
    writeFileSync(join(work, 'src/callplane_vars.xml'), '<include/>\n');
    writeFileSync(join(work, 'src/autoload_configs/event_socket.conf.xml'), '<configuration name="event_socket.conf"/>\n');
    writeFileSync(join(work, 'src/autoload_configs/event_socket.conf.xml.callplane-orig'), 'old\n');
    writeFileSync(join(work, 'etc/vars.xml'), '<include>\n  <X-PRE-PROCESS cmd="set" data="domain=example"/>\n</include>\n');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const overlay = (cmd: string[] = ['echo', 'pbx-started']) => sh('pbx-overlay.sh', [join(work, 'src'), join(work, 'etc'), '--', ...cmd]);

  it('copies the rendered files over the config directory, then runs the PBX command', () => {
    const out = overlay();
    expect(out.status).toBe(0);
    expect(out.stdout.trim().split('\n').pop()).toBe('pbx-started');
    expect(readFileSync(join(work, 'etc/autoload_configs/event_socket.conf.xml'), 'utf8')).toContain('event_socket.conf');
    expect(existsSync(join(work, 'etc/autoload_configs/event_socket.conf.xml.callplane-orig'))).toBe(false);
  });

  it('adds the callplane_vars.xml include to vars.xml once, inside its root element', () => {
    overlay();
    overlay();
    const vars = readFileSync(join(work, 'etc/vars.xml'), 'utf8');
    expect(vars.match(/data="callplane_vars\.xml"/g)).toHaveLength(1);
    expect(vars.trim().endsWith('<X-PRE-PROCESS cmd="include" data="callplane_vars.xml"/>\n</include>')).toBe(true);
  });

  it('fails without running the PBX when the rendered directory is missing, or on bad usage', () => {
    const missing = sh('pbx-overlay.sh', [join(work, 'nope'), join(work, 'etc'), '--', 'echo', 'pbx-started']);
    expect(missing.status).toBe(1);
    expect(missing.stdout).not.toContain('pbx-started');
    expect(sh('pbx-overlay.sh', [join(work, 'src'), join(work, 'etc'), 'echo', 'x']).status).toBe(2);
  });
});
