import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadConfig } from '@callplane/core';
import { findObject, parseAsteriskConf, parseDialplan, walkDialplan } from './asterisk-conf';
import { parseXml, XmlDocument } from './xml-well-formed';

const root = resolve(__dirname, '../..');
const asteriskDir = join(root, 'asterisk-config');
const freeswitchDir = join(root, 'freeswitch-config');
const defaults = loadConfig({});
const PLACEHOLDER = /^\$\{CALLPLANE_[A-Z0-9_]+\}$/;

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const conf = (file: string) => parseAsteriskConf(read(asteriskDir, file));

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, suffix);
    return name.endsWith(suffix) ? [relative(freeswitchDir, path)] : [];
  });
}

const xmlFiles = filesUnder(freeswitchDir, '.xml');
const xml = (file: string): XmlDocument => parseXml(read(freeswitchDir, file));
const params = (doc: XmlDocument) => new Map(doc.elements.filter((e) => e.name === 'param').map((e) => [e.attrs.name, e.attrs.value]));

describe('asterisk-config', () => {
  const dialplan = parseDialplan(read(asteriskDir, 'extensions.conf'));

  it.each(['4930123456', '+4930123456', '7000', 's'])('sends DID %s from context from-external to Stasis(<ASTERISK_ARI_APP default>)', (did) => {
    const outcome = walkDialplan(dialplan, 'from-external', did);
    expect(outcome).toMatchObject({ app: 'Stasis', args: defaults.ASTERISK_ARI_APP, exten: did });
  });

  it('runs no Stasis application other than callplane anywhere in the dialplan', () => {
    const apps = [...dialplan.values()].flatMap((exts) => [...exts.values()].flat()).filter((s) => s.app === 'Stasis');
    expect(apps.length).toBeGreaterThan(0);
    for (const step of apps) expect(step.args).toBe(defaults.ASTERISK_ARI_APP);
  });

  it('lets agent phones (from-internal) call each other, reach transfer targets and callplane services', () => {
    expect(walkDialplan(dialplan, 'from-internal', '1002')).toMatchObject({ app: 'Dial', args: 'PJSIP/1002,20' });
    expect(walkDialplan(dialplan, 'from-internal', '7001')).toMatchObject({ app: 'Stasis', args: defaults.ASTERISK_ARI_APP });
    expect(() => walkDialplan(dialplan, 'from-internal', '004930123456')).toThrow(/no extension matches/);
  });

  it('ari.conf has the ARI user callplane logs in as, with a placeholder password', () => {
    const sections = conf('ari.conf');
    const general = findObject(sections, 'general');
    expect(general?.get('enabled')).toBe('yes');
    const user = findObject(sections, defaults.ASTERISK_ARI_USERNAME, 'user');
    expect(user?.get('read_only')).toBe('no');
    expect(user?.get('password')).toMatch(PLACEHOLDER);
  });

  it('http.conf enables the HTTP server on a configurable address', () => {
    const general = findObject(conf('http.conf'), 'general');
    expect(general?.get('enabled')).toBe('yes');
    expect(general?.get('bindaddr')).toMatch(PLACEHOLDER);
    expect(general?.get('bindport')).toBe('8088');
  });

  it('manager.conf binds to a configurable address and admits only the control plane with the classes callplane needs', () => {
    const sections = conf('manager.conf');
    const general = findObject(sections, 'general');
    expect(general?.get('bindaddr')).toMatch(PLACEHOLDER);
    expect(general?.get('port')).toBe(String(defaults.ASTERISK_AMI_PORT));
    const user = findObject(sections, defaults.ASTERISK_AMI_USERNAME);
    expect(user?.get('secret')).toMatch(PLACEHOLDER);
    expect(user?.get('deny')).toBe('0.0.0.0/0.0.0.0');
    expect(user?.get('permit')).toMatch(PLACEHOLDER);
    const read = user?.get('read')?.split(',') ?? [];
    const write = user?.get('write')?.split(',') ?? [];
    expect(read).toEqual(expect.arrayContaining(['system', 'call', 'reporting', 'agent']));
    expect(read).not.toContain('dialplan');
    expect(read).not.toContain('all');
    expect(write).toEqual(expect.arrayContaining(['system', 'call', 'originate', 'agent']));
  });

  it('pjsip.conf agent phones inherit the templates with the settings callplane relies on', () => {
    const sections = conf('pjsip.conf');
    for (const agent of ['1001', '1002']) {
      const endpoint = findObject(sections, agent, 'endpoint');
      expect(endpoint).toBeDefined();
      expect(Object.fromEntries(endpoint!)).toMatchObject({
        context: 'from-internal',
        direct_media: 'no',
        rewrite_contact: 'yes',
        rtp_symmetric: 'yes',
        allow_transfer: 'yes',
        auth: agent,
        aors: agent,
      });
      const auth = findObject(sections, agent, 'auth');
      expect(auth?.get('username')).toBe(agent);
      expect(auth?.get('password')).toBe(`\${CALLPLANE_AGENT_${agent}_PASSWORD}`);
      const aor = findObject(sections, agent, 'aor');
      expect(Number(aor?.get('minimum_expiration'))).toBeGreaterThan(0);
      expect(aor?.get('max_contacts')).toBe('1');
    }
    expect(findObject(sections, 'transport-udp', 'transport')?.get('bind')).toMatch(PLACEHOLDER);
  });

  it('rtp.conf enables RTCP and sets a port range', () => {
    const general = findObject(conf('rtp.conf'), 'general');
    expect(Number(general?.get('rtcpinterval'))).toBeGreaterThan(0);
    expect(Number(general?.get('rtpstart'))).toBeLessThan(Number(general?.get('rtpend')));
  });

  it('has a default music-on-hold class playing files (queues hold callers with it)', () => {
    const moh = findObject(conf('musiconhold.conf'), 'default');
    expect(moh?.get('mode')).toBe('files');
    expect(moh?.get('directory')).toBeTruthy();
  });

  it('holds no plaintext secret: every password/secret is a ${CALLPLANE_*} placeholder', () => {
    const files = readdirSync(asteriskDir).filter((f) => f.endsWith('.conf'));
    let checked = 0;
    for (const file of files) {
      for (const section of conf(file)) {
        for (const { key, value } of section.entries) {
          if (!/^(password|secret)$/i.test(key)) continue;
          checked++;
          expect({ file, section: section.name, key, value }).toEqual({ file, section: section.name, key, value: expect.stringMatching(PLACEHOLDER) });
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });
});

describe('freeswitch-config', () => {
  it('ships the expected files', () => {
    expect(xmlFiles.sort()).toEqual(
      expect.arrayContaining([
        'autoload_configs/acl.conf.xml',
        'autoload_configs/event_socket.conf.xml',
        'autoload_configs/switch.conf.xml',
        'callplane_vars.xml',
        'dialplan/public/00_callplane.xml',
        'sip_profiles/callplane.xml',
      ]),
    );
  });

  it.each(xmlFiles)('%s is well-formed XML', (file) => {
    expect(xml(file).errors).toEqual([]);
  });

  it.each(xmlFiles)('%s has no preprocessor syntax inside comments (FreeSWITCH would still run it)', (file) => {
    for (const comment of xml(file).comments) {
      expect(comment).not.toMatch(/<X-PRE-PROCESS|\$\$\{/);
    }
  });

  it('defines every $${callplane_*} variable the files use in callplane_vars.xml', () => {
    const defined = new Map(
      xml('callplane_vars.xml')
        .elements.filter((e) => e.name === 'X-PRE-PROCESS' && e.attrs.cmd === 'set')
        .map((e) => [e.attrs.data.split('=')[0], e.attrs.data.slice(e.attrs.data.indexOf('=') + 1)]),
    );
    const used = new Set(xmlFiles.flatMap((f) => [...read(freeswitchDir, f).matchAll(/\$\$\{(callplane_[a-z0-9_]+)\}/g)].map((m) => m[1])));
    expect(used.size).toBeGreaterThanOrEqual(5);
    for (const name of used) expect({ name, defined: defined.has(name) }).toEqual({ name, defined: true });
    for (const [name, value] of defined) expect({ name, value }).toEqual({ name, value: expect.stringMatching(/\S/) });
    expect(defined.get('callplane_esl_password')).toMatch(PLACEHOLDER);
    expect(defined.get('callplane_esl_port')).toBe(String(defaults.FREESWITCH_ESL_PORT));
  });

  it('event_socket.conf.xml takes address and password from variables and applies the callplane ACL', () => {
    const p = params(xml('autoload_configs/event_socket.conf.xml'));
    expect(p.get('listen-ip')).toBe('$${callplane_esl_listen_ip}');
    expect(p.get('password')).toBe('$${callplane_esl_password}');
    expect(p.get('apply-inbound-acl')).toBe('callplane');
    const lists = xml('autoload_configs/acl.conf.xml').elements.filter((e) => e.name === 'list');
    const callplane = lists.find((l) => l.attrs.name === 'callplane');
    expect(callplane?.attrs.default).toBe('deny');
    const nodes = xml('autoload_configs/acl.conf.xml').elements.filter((e) => e.name === 'node' && e.parent?.attrs.name === 'callplane');
    expect(nodes.map((n) => n.attrs.cidr)).toContain('$${callplane_control_plane_cidr}');
  });

  it('switch.conf.xml raises sessions-per-second above the vanilla 30', () => {
    expect(Number(params(xml('autoload_configs/switch.conf.xml')).get('sessions-per-second'))).toBeGreaterThan(30);
  });

  it('the public dialplan parks DIDs for callplane and offers the outbound-socket alternative', () => {
    const doc = xml('dialplan/public/00_callplane.xml');
    const actions = (ext: string) =>
      doc.elements.filter((e) => e.name === 'action' && e.parent?.parent?.attrs.name === ext).map((e) => `${e.attrs.application} ${e.attrs.data ?? ''}`.trim());
    expect(actions('callplane_inbound_park')).toEqual(['set callplane_did=$1', 'park']);
    expect(actions('callplane_inbound_socket')).toContain('socket $${callplane_host}:$${callplane_outbound_port} async full');
    const vars = read(freeswitchDir, 'callplane_vars.xml');
    expect(vars).toContain('data="callplane_outbound_port=8084"');
  });

  it('the agent SIP profile enables RTCP and transfer events', () => {
    const p = params(xml('sip_profiles/callplane.xml'));
    expect(Number(p.get('rtcp-audio-interval-msec'))).toBeGreaterThan(0);
    expect(p.get('fire-transfer-events')).toBe('true');
  });

  it('holds no plaintext secret: passwords are placeholders or callplane variables, never ClueCon', () => {
    let checked = 0;
    for (const file of xmlFiles) {
      expect(read(freeswitchDir, file)).not.toMatch(/ClueCon|\$\$\{default_password\}/);
      for (const e of xml(file).elements.filter((x) => x.name === 'param' && /password/i.test(x.attrs.name ?? ''))) {
        checked++;
        expect({ file, value: e.attrs.value }).toEqual({ file, value: expect.stringMatching(/^(\$\{CALLPLANE_[A-Z0-9_]+\}|\$\$\{callplane_[a-z_]+\})$/) });
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });
});
