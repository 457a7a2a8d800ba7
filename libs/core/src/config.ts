import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { StartupError } from './errors';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/**
 * Every setting callplane reads, validated once at boot. Environment variable names are the
 * keys of this schema (see README "Configuration").
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  HTTP_HOST: z.string().default('0.0.0.0'),
  /** HTTP + Socket.IO port; 0 picks a free one (tests). */
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Human-readable logs (pino-pretty); default on in the demo, off otherwise (JSON lines). */
  LOG_PRETTY: bool.optional(),
  /** Unset → embedded SQLite at `${DATA_DIR}/callplane.sqlite`; `mysql://user:pass@host:3306/db` → MySQL/MariaDB. */
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  /** HS256 secret for JWTs; required in production (≥ 32 chars). */
  JWT_SECRET: z.string().min(32).optional(),
  /** Access token lifetime, s. */
  JWT_TTL_S: z.coerce.number().int().positive().default(12 * 3600),
  /** Largest JSON/YAML request body of an authenticated caller, bytes (larger: 413). Unauthenticated bodies (login) are capped at 16 KiB. */
  HTTP_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** Deepest nesting of objects/arrays in a request body (deeper: 400 before validation). */
  HTTP_MAX_BODY_DEPTH: z.coerce.number().int().min(4).max(1000).default(32),
  /** Failed logins allowed per client address within 15 min (any e-mails; then 429). */
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  /** Failed logins allowed from all addresses together within 1 min (then 429 for every login until the minute frees; bounds the hashing work of a distributed spray). */
  LOGIN_MAX_FAILURES_GLOBAL: z.coerce.number().int().min(1).default(600),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Seed PBX node: an Asterisk reachable over ARI (+ AMI). Created on first boot if no node exists. */
  ASTERISK_ARI_URL: z.string().url().optional(),
  ASTERISK_ARI_USERNAME: z.string().default('callplane'),
  ASTERISK_ARI_PASSWORD: z.string().optional(),
  ASTERISK_ARI_APP: z.string().default('callplane'),
  ASTERISK_AMI_HOST: z.string().optional(),
  ASTERISK_AMI_PORT: z.coerce.number().int().default(5038),
  ASTERISK_AMI_USERNAME: z.string().default('callplane'),
  ASTERISK_AMI_SECRET: z.string().optional(),
  /** Seed PBX node: a FreeSWITCH reachable over the event socket. */
  FREESWITCH_ESL_HOST: z.string().optional(),
  FREESWITCH_ESL_PORT: z.coerce.number().int().default(8021),
  FREESWITCH_ESL_PASSWORD: z.string().optional(),
  /** Outbound ESL listener (the `socket` dialplan app connects here); 0 = off. */
  FREESWITCH_OUTBOUND_PORT: z.coerce.number().int().min(0).default(0),
  /** Reconnect backoff for every PBX link, ms. */
  PBX_RECONNECT_MIN_MS: z.coerce.number().int().positive().default(250),
  PBX_RECONNECT_MAX_MS: z.coerce.number().int().positive().default(10_000),
  /** Timeout of one PBX request (ARI HTTP, AMI action, ESL api), ms. */
  PBX_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** IVR `http` node: upper bound of a node's `timeoutMs`, ms (flows asking for more fail validation). */
  IVR_HTTP_MAX_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** IVR loop protection: max nodes one call may execute before it is hung up. */
  IVR_MAX_STEPS: z.coerce.number().int().positive().default(200),
  /** Most nodes one IVR flow may have (a larger flow is refused on save before its nodes are checked). */
  IVR_MAX_FLOW_NODES: z.coerce.number().int().min(1).max(100_000).default(5_000),
  /**
   * IVR `http` node allow-list: comma-separated host names (`crm.internal`, `*.corp.example`),
   * IP addresses and CIDRs (`10.20.0.0/16`, `fd00::/8`) the node may reach even though they are
   * loopback, private, link-local or otherwise not public. Default: none.
   */
  IVR_HTTP_ALLOW: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))
    .superRefine((entries, ctx) => {
      for (const e of entries) if (!isAllowEntry(e)) ctx.addIssue({ code: 'custom', message: `"${e}" is not a host name, *.domain, IP address or CIDR` });
    }),
  /** IVR `http` node: whether public (globally routable) addresses may be reached without being listed in IVR_HTTP_ALLOW. */
  IVR_HTTP_ALLOW_PUBLIC: bool.default('true'),
  /** IVR `http` node: largest response body read, bytes (a larger one fails the node: `response-too-large`). */
  IVR_HTTP_MAX_BODY_BYTES: z.coerce.number().int().min(1).max(64 * 1024 * 1024).default(256 * 1024),
  /** IVR `http` node: redirects followed (GET only; each target is checked again); 0 = none. */
  IVR_HTTP_MAX_REDIRECTS: z.coerce.number().int().min(0).max(10).default(3),
  /**
   * Extra agent `away` reason codes besides the built-in ones (break, lunch, training, meeting,
   * no-answer): comma-separated, lower-case letters, digits and `-`, at most 32 characters each,
   * e.g. `coaching,admin-work`. Default: none.
   */
  ACD_AWAY_REASONS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))
    .superRefine((codes, ctx) => {
      for (const c of codes) if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(c)) ctx.addIssue({ code: 'custom', message: `"${c}" is not a reason code (a-z, 0-9, -; at most 32 characters)` });
    }),
  /** Start pbx-sim in-process and play scripted calls (see README quick start). */
  DEMO: bool.default('false'),
});

export type AppConfig = z.infer<typeof configSchema>;

const HOST_NAME = /^(\*\.)?(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/;

/** An IVR_HTTP_ALLOW entry: host name, `*.domain`, IP address or CIDR. */
function isAllowEntry(entry: string): boolean {
  if (entry.includes('/')) {
    try {
      ipaddr.parseCIDR(entry);
      return true;
    } catch {
      // Not a CIDR: the refinement reports the entry.
      return false;
    }
  }
  return ipaddr.isValid(entry) || HOST_NAME.test(entry);
}

/**
 * Parses and validates the environment. The only place `process.env` is read.
 * @throws StartupError naming every invalid variable and how to fix it.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Record<keyof AppConfig, string>> = {}): AppConfig {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = overrides[key as keyof AppConfig] ?? env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new StartupError(`Invalid configuration:\n${lines.join('\n')}\nFix the environment variables above (see README "Configuration").`);
  }
  const cfg = parsed.data;
  if (cfg.NODE_ENV === 'production') {
    if (!cfg.JWT_SECRET) throw new StartupError('JWT_SECRET is required in production: set it to a random string of at least 32 characters.');
    if (cfg.ADMIN_PASSWORD && /^(admin|password|changeme)/i.test(cfg.ADMIN_PASSWORD)) {
      throw new StartupError('ADMIN_PASSWORD looks like a default password; choose a real one in production.');
    }
  }
  return cfg;
}

/** DI token for the validated {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');
