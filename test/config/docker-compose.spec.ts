import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '@callplane/core';

const root = resolve(__dirname, '../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  profiles?: string[];
  command?: string | string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  volumes?: string[];
  network_mode?: string;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const services = compose.services;
const configNames = Object.keys(configSchema.shape);
/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}` → NAME, over the whole compose file. */
const composeVariables = [...new Set([...read('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}/g)].map((m) => m[1]))].sort();
const envExample = new Map(
  read('docker/callplane.env.example')
    .split('\n')
    .filter((l) => /^[A-Z0-9_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

function renderList(dir: string): string[] {
  const out = spawnSync('bash', [join(root, dir, 'render.sh'), '--list'], { encoding: 'utf8' });
  return out.stdout.trim().split('\n');
}

describe('docker-compose.yml', () => {
  it('runs callplane and MariaDB by default and the PBXes and the simulator under profiles', () => {
    expect(services.callplane.profiles).toBeUndefined();
    expect(services.mysql.profiles).toBeUndefined();
    expect(services.mysql.image).toBe('mariadb:11');
    for (const name of ['asterisk', 'asterisk-config']) expect(services[name].profiles).toEqual(['asterisk']);
    for (const name of ['freeswitch', 'freeswitch-config']) expect(services[name].profiles).toEqual(['freeswitch']);
    for (const name of ['pbx-sim', 'callplane-demo']) expect(services[name].profiles).toEqual(['demo']);
  });

  it('builds callplane and pbx-sim from docker/Dockerfile and runs each entry point', () => {
    for (const name of ['callplane', 'pbx-sim', 'callplane-demo']) expect(services[name].build).toEqual({ context: '.', dockerfile: 'docker/Dockerfile' });
    const cmd = services['pbx-sim'].command as string[];
    expect(cmd.slice(0, 2)).toEqual(['node', 'dist/apps/pbx-sim/src/main.js']);
  });

  it.each(['callplane', 'callplane-demo'])('%s gets only environment variables that libs/core/src/config.ts defines', (name) => {
    const keys = Object.keys(services[name].environment ?? {});
    expect(keys.length).toBeGreaterThan(5);
    expect(keys.filter((k) => !configNames.includes(k))).toEqual([]);
  });

  it('passes every Asterisk and FreeSWITCH setting of config.ts through to callplane', () => {
    const pbxNames = configNames.filter((k) => /^(ASTERISK|FREESWITCH)_/.test(k));
    expect(pbxNames.length).toBeGreaterThanOrEqual(10);
    expect(Object.keys(services.callplane.environment ?? {})).toEqual(expect.arrayContaining([...pbxNames, 'JWT_SECRET', 'ADMIN_EMAIL', 'ADMIN_PASSWORD']));
  });

  it('connects callplane to MariaDB and requires the secrets with ${VAR:?message}', () => {
    const env = services.callplane.environment!;
    expect(env.DATABASE_URL).toMatch(/^mysql:\/\/callplane:\$\{MYSQL_PASSWORD:\?[^}]+\}@mysql:3306\/callplane$/);
    expect(env.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?[^}]+\}$/);
    expect(services.mysql.environment?.MARIADB_PASSWORD).toMatch(/^\$\{MYSQL_PASSWORD:\?/);
    expect(services.mysql.environment?.MARIADB_ROOT_PASSWORD).toMatch(/^\$\{MYSQL_ROOT_PASSWORD:\?/);
    expect(services.callplane.depends_on).toEqual({ mysql: { condition: 'service_healthy' } });
    expect(services.mysql.healthcheck?.test?.length).toBeGreaterThan(0);
  });

  it('points callplane-demo at the ports pbx-sim listens on, inside its network namespace', () => {
    const demo = services['callplane-demo'];
    const sim = services['pbx-sim'].command as string[];
    const arg = (flag: string) => sim[sim.indexOf(flag) + 1];
    expect(demo.network_mode).toBe('service:pbx-sim');
    expect(demo.depends_on).toContain('pbx-sim');
    expect(demo.environment).toMatchObject({
      ASTERISK_ARI_URL: `http://127.0.0.1:${arg('--ari-port')}`,
      ASTERISK_AMI_HOST: '127.0.0.1',
      ASTERISK_AMI_PORT: arg('--ami-port'),
      FREESWITCH_ESL_HOST: '127.0.0.1',
      FREESWITCH_ESL_PORT: arg('--esl-port'),
    });
    expect(readFileSync(join(root, arg('--scenario')), 'utf8')).toMatch(/calls:/);
    expect(read('docker/Dockerfile')).toContain('COPY --from=build /app/apps/pbx-sim/scenarios ./apps/pbx-sim/scenarios');
  });

  it.each([
    ['asterisk-config', 'asterisk-config'],
    ['freeswitch-config', 'freeswitch-config'],
  ])('%s renders %s/ with exactly the variables its templates need', (service, dir) => {
    const svc = services[service];
    expect(svc.command).toEqual(['bash', '/render-pbx-config.sh', '/templates', '/rendered']);
    expect(svc.volumes).toContain(`./${dir}:/templates:ro`);
    expect(svc.volumes).toContain('./docker/render-pbx-config.sh:/render-pbx-config.sh:ro');
    expect(Object.keys(svc.environment ?? {}).sort()).toEqual(renderList(dir));
  });

  it('docker/callplane.env.example sets every variable the compose file uses, and nothing unknown', () => {
    expect(composeVariables.filter((v) => !envExample.has(v))).toEqual([]);
    const known = new Set([...composeVariables, ...configNames]);
    expect([...envExample.keys()].filter((k) => !known.has(k))).toEqual([]);
    for (const required of ['MYSQL_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'JWT_SECRET', 'ADMIN_PASSWORD']) {
      expect({ required, value: envExample.get(required) }).toEqual({ required, value: expect.stringMatching(/^CHANGE_ME/) });
    }
  });
});

/** Debian's docker-compose (1.29) validates the file without a Docker engine; .ci/compose-check.sh installs it. */
const hasCompose = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' }).status === 0;
const withCompose = hasCompose ? it : it.skip;

describe('docker-compose config (needs docker-compose; skipped when it is not installed)', () => {
  const composeConfig = (envFile: string) =>
    spawnSync('docker-compose', ['-f', 'docker-compose.yml', '--env-file', envFile, '--profile', 'asterisk', '--profile', 'freeswitch', '--profile', 'demo', 'config', '-q'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });

  withCompose('accepts the file with docker/callplane.env.example', () => {
    const out = composeConfig('docker/callplane.env.example');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });

  withCompose('refuses to run without the required secrets, naming them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callplane-compose-'));
    try {
      const env = read('docker/callplane.env.example').replace(/^JWT_SECRET=.*$/m, 'JWT_SECRET=');
      writeFileSync(join(dir, 'test.env'), env);
      const out = composeConfig(join(dir, 'test.env'));
      expect(out.status).not.toBe(0);
      expect(out.stderr).toContain('set JWT_SECRET in .env');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = read('docker/Dockerfile');
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

  it('is multi-stage on node:20-bookworm-slim and builds with the toolchain better-sqlite3 needs', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS build$/m);
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
    expect(dockerfile).toMatch(/apt-get install[^\n]*python3 make g\+\+/);
    expect(dockerfile).toMatch(/^RUN npm ci$/m);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/apt-get install[^\n]*ffmpeg/);
  });

  it('runs the same entry point as `npm start`, as a non-root user, with a /health check', () => {
    const start = pkg.scripts.start.split(' ');
    expect(dockerfile).toContain(`CMD ${JSON.stringify(start)}`.replace(/","/g, '", "'));
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*docker\/healthcheck\.js/m);
    expect(read('docker/healthcheck.js')).toContain("path: '/health'");
  });
});
