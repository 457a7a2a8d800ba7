/**
 * Reads Asterisk .conf files the way Asterisk's config parser does for the features the bundled
 * files use: `[section]`, `[name](!)` templates, `[name](template,...)` inheritance, `key = value`
 * and `key => value`, `;` comments with `\;` as a literal semicolon. Plus a small dialplan walker
 * (extensions.conf pattern matching, `exten`/`same` priorities, Goto) to follow where a call goes.
 * Sources: Asterisk wiki "Config File Format", "Pattern Matching", "Templates".
 */
export interface ConfEntry {
  key: string;
  value: string;
}

export interface ConfSection {
  name: string;
  /** `(!)`: a template only, never an object itself. */
  template: boolean;
  /** Templates this section inherits from, in order. */
  inherits: string[];
  entries: ConfEntry[];
}

/** Strips a `;` comment (an escaped `\;` is kept as `;`). */
function stripComment(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\' && line[i + 1] === ';') {
      out += ';';
      i++;
    } else if (line[i] === ';') break;
    else out += line[i];
  }
  return out.trim();
}

export function parseAsteriskConf(text: string): ConfSection[] {
  const sections: ConfSection[] = [];
  for (const rawLine of text.split('\n')) {
    const line = stripComment(rawLine);
    if (!line) continue;
    const header = /^\[([^\]]+)\](?:\(([^)]*)\))?$/.exec(line);
    if (header) {
      const opts = (header[2] ?? '').split(',').map((o) => o.trim()).filter(Boolean);
      sections.push({ name: header[1], template: opts.includes('!'), inherits: opts.filter((o) => o !== '!'), entries: [] });
      continue;
    }
    const kv = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
    if (!kv || sections.length === 0) throw new Error(`not an Asterisk config line: ${rawLine}`);
    sections[sections.length - 1].entries.push({ key: kv[1].trim(), value: kv[2].trim() });
  }
  return sections;
}

/** A section's options with its templates applied first (later values win), as Asterisk does. */
export function effectiveOptions(all: ConfSection[], section: ConfSection): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of section.inherits) {
    const tpl = all.find((s) => s.name === name && s.template);
    if (!tpl) throw new Error(`[${section.name}] inherits unknown template ${name}`);
    for (const [k, v] of effectiveOptions(all, tpl)) out.set(k, v);
  }
  for (const e of section.entries) out.set(e.key, e.value);
  return out;
}

/** The non-template section with this name and `type` (pjsip.conf reuses names across types). */
export function findObject(all: ConfSection[], name: string, type?: string): Map<string, string> | undefined {
  for (const s of all.filter((x) => x.name === name && !x.template)) {
    const opts = effectiveOptions(all, s);
    if (type === undefined || opts.get('type') === type) return opts;
  }
  return undefined;
}

interface Step {
  label?: string;
  app: string;
  args: string;
}

/** Dialplan: context → extension name → priorities in order. */
export type Dialplan = Map<string, Map<string, Step[]>>;

export function parseDialplan(text: string): Dialplan {
  const plan: Dialplan = new Map();
  let last: Step[] | undefined;
  for (const section of parseAsteriskConf(text)) {
    if (section.name === 'general' || section.name === 'globals') continue;
    const exts = new Map<string, Step[]>();
    plan.set(section.name, exts);
    last = undefined;
    for (const { key, value } of section.entries) {
      if (key !== 'exten' && key !== 'same') continue;
      // exten => name,priority[(label)],App(args)   same => priority[(label)],App(args)
      let rest = value;
      let name: string | undefined;
      if (key === 'exten') {
        name = rest.slice(0, rest.indexOf(',')).trim();
        rest = rest.slice(rest.indexOf(',') + 1);
      }
      const step = /^\s*([^,(]+?)(?:\(([^)]*)\))?\s*,\s*(\w+)(?:\((.*)\))?\s*$/.exec(rest);
      if (!step || (key === 'exten' && !name)) throw new Error(`cannot parse dialplan line: ${key} => ${value}`);
      const [, priority, label, app, args = ''] = step;
      if (key === 'exten') {
        last = exts.get(name!) ?? [];
        exts.set(name!, last);
        if (priority.trim() !== '1' && last.length === 0) throw new Error(`${name} does not start at priority 1`);
      } else if (!last) throw new Error(`same => before any exten in [${section.name}]`);
      last.push({ label, app, args });
    }
  }
  return plan;
}

/** Asterisk extension pattern (`_X.`, `_[+0-9].`, `_1XXX`) → RegExp; plain names match exactly. */
export function patternToRegExp(pattern: string): RegExp {
  if (!pattern.startsWith('_')) return new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  let re = '';
  const p = pattern.slice(1);
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '[') {
      const end = p.indexOf(']', i);
      re += `[${p.slice(i + 1, end).replace(/[\\^\]]/g, '\\$&')}]`;
      i = end;
    } else if (/[Xx]/.test(c)) re += '[0-9]';
    else if (/[Zz]/.test(c)) re += '[1-9]';
    else if (/[Nn]/.test(c)) re += '[2-9]';
    else if (c === '.') re += '.+';
    else if (c === '!') re += '.*';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Exact names first, then patterns without wildcards, then wildcard patterns (Asterisk's order, simplified). */
function matchExtension(exts: Map<string, Step[]>, exten: string): [string, Step[]] | undefined {
  const names = [...exts.keys()];
  const rank = (n: string) => (!n.startsWith('_') ? 0 : /[.!]/.test(n) ? 2 : 1);
  const match = names.filter((n) => patternToRegExp(n).test(exten)).sort((a, b) => rank(a) - rank(b))[0];
  return match === undefined ? undefined : [match, exts.get(match)!];
}

export interface DialplanOutcome {
  /** The application the call ends up in (`Stasis`, `Dial`, `Hangup`), with `${EXTEN}` expanded. */
  app: string;
  args: string;
  context: string;
  exten: string;
  /** Contexts visited, in order. */
  path: string[];
}

/**
 * Follows a call through the dialplan from `context`/`exten` until it reaches Stasis, Dial or
 * Hangup. NoOp/Log/Set/GotoIf are stepped over (GotoIf as "condition false"); Goto jumps.
 * @throws Error when no extension matches or the walk loops.
 */
export function walkDialplan(plan: Dialplan, context: string, exten: string): DialplanOutcome {
  const path: string[] = [];
  for (let hops = 0; hops < 20; hops++) {
    path.push(context);
    const exts = plan.get(context);
    if (!exts) throw new Error(`no context [${context}]`);
    const found = matchExtension(exts, exten);
    if (!found) throw new Error(`no extension matches ${exten} in [${context}]`);
    let jumped = false;
    for (const step of found[1]) {
      const args = step.args.replace(/\$\{EXTEN\}/g, exten);
      if (['Stasis', 'Dial', 'Hangup'].includes(step.app)) return { app: step.app, args, context, exten, path };
      if (step.app === 'Goto') {
        const [ctx, ext] = args.split(',');
        context = ctx;
        exten = ext;
        jumped = true;
        break;
      }
    }
    if (!jumped) throw new Error(`${exten}@${found[0]} in [${context}] falls off the end`);
  }
  throw new Error(`dialplan loop from ${exten}`);
}
