import { z } from 'zod';
import { isEd25519PublicKey } from './ledger-key.js';
import { durationField, durationSchema } from '../duration.js';
import { byteRateSchema } from '../byte-rate.js';
import { alertRouteSchema, alertsSchema, resourceAlertingShape } from './alerting.js';
import { fileGlobSchema, idSchema, insideFolderSchema, ratioSchema, secretRefSchema, timezoneSchema } from './common.js';

/** A region is a place backups live. Today: a directory (local disk or NFS mount). */
const localRegionSchema = z.strictObject({
  kind: z.literal('local'),
  path: z.string().min(1).meta({ description: 'Root directory of this region; relative paths are from the estate file.' }),
  description: z.string().optional(),
});
export const regionSchema = z.discriminatedUnion('kind', [localRegionSchema]);

const databaseCredentialSchema = z.strictObject({
  kind: z.literal('database'),
  user: z.union([z.string(), secretRefSchema]).meta({ description: 'User name, literal or a secret reference.' }),
  password: secretRefSchema,
});
const tencentCredentialSchema = z.strictObject({
  kind: z.literal('tencent'),
  secretId: secretRefSchema,
  secretKey: secretRefSchema,
});
export const credentialSchema = z.discriminatedUnion('kind', [databaseCredentialSchema, tencentCredentialSchema]);

const targetsShape = {
  rpo: durationSchema.optional().meta({ description: 'Max age of the newest usable backup.' }),
  grace: durationField({ allowZero: true }).optional().meta({ description: 'Slack added to rpo before a backup counts as stale.' }),
  rto: durationSchema.optional().meta({ description: 'Max time to restore and verify.' }),
  completeness: ratioSchema.optional().meta({ description: 'Min completeness ratio a drill must reach.' }),
};

const canaryTable = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
  .optional()
  .meta({ description: 'Canary table (default lifeboat_canary).' });

/** The production database a resource's dumps come from: what the sandbox guard protects and the canary writes to. */
const databaseSourceSchema = z
  .discriminatedUnion('engine', [
    z.strictObject({
      engine: z.enum(['mysql', 'postgres']),
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).optional(),
      database: z.string().min(1),
      credentials: idSchema.optional().meta({ description: 'Read-only profile (kind: database) for lifeboat manifest --from-db.' }),
      canaryCredentials: idSchema.optional().meta({ description: 'Profile that may only INSERT into the canary table.' }),
      canaryTable,
    }),
    z.strictObject({
      engine: z.literal('pglite'),
      dataDir: z.string().min(1).meta({ description: 'Folder of the embedded PGlite database (relative to the estate file).' }),
      canaryTable,
    }),
  ])
  .meta({ description: 'The production database these backups come from: the sandbox guard refuses any sandbox on its server; lifeboat canary writes to it.' });

const dumpDirResourceSchema = z.strictObject({
  id: idSchema,
  kind: z.literal('dump-dir'),
  region: idSchema.meta({ description: 'Region (from regions:) whose directory holds this resource.' }),
  path: insideFolderSchema('the region').meta({ description: 'Directory of backup files, relative to the region root (never leaving it).' }),
  patterns: z.array(fileGlobSchema).min(1).optional().meta({ description: 'Glob patterns of backup files (default *.sql, *.sql.gz, *.dump, *.tar.gz).' }),
  nameTime: z
    .string()
    .regex(/\{YYYY\}/, { error: 'expected a template with at least {YYYY}, e.g. "{YYYY}{MM}{DD}T{hh}{mm}{ss}Z"' })
    .optional()
    .meta({ description: 'Where the backup time sits in the file name: tokens {YYYY} {MM} {DD} {hh} {mm} {ss}.' }),
  nameTimeZone: timezoneSchema.optional().meta({ description: 'Time zone of the time in the name (default UTC).' }),
  owner: z.string().optional(),
  ...resourceAlertingShape,
  description: z.string().optional(),
  source: databaseSourceSchema.optional(),
  ...targetsShape,
});
export const resourceSchema = z.discriminatedUnion('kind', [dumpDirResourceSchema]);

// Two installations sharing a sandbox server tell their sandboxes apart by it; a name part, so lowercase letters and digits only.
const namePrefixSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]{0,7}$/, 'expected 1-8 lowercase letters or digits, starting with a letter')
  .optional()
  .meta({ description: "This installation's mark in sandbox names: lbdrill_<namePrefix>_<drill>_<run> and lbrun_<namePrefix>_<run> (default: none, lbdrill_<drill>_<run>)." });
const serverSandboxShape = {
  host: z.string().min(1),
  namePrefix: namePrefixSchema,
  port: z.number().int().min(1).max(65535).optional(),
  credentials: idSchema.meta({ description: 'Credential profile (kind: database) with rights to create databases and users.' }),
  description: z.string().optional(),
};
export const sandboxSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pglite'), dataDir: z.string().optional(), namePrefix: namePrefixSchema, description: z.string().optional() }),
  z.strictObject({ kind: z.literal('mysql'), ...serverSandboxShape }),
  z.strictObject({
    kind: z.literal('postgres'),
    ...serverSandboxShape,
    adminDatabase: z.string().optional().meta({ description: 'Database the admin connects to (default postgres).' }),
  }),
]);

const recordOf = <T extends z.ZodType>(value: T) => z.record(idSchema, value);

/** Which resources' backups are copied to which other regions, and how recent the copies must stay. */
export const copyPolicySchema = z.strictObject({
  name: idSchema,
  resources: z.union([z.literal('*'), z.array(idSchema).min(1)]).meta({ description: 'Resource ids, or "*" for all.' }),
  to: z.array(idSchema).min(1).meta({ description: "Destination regions (never the resource's own)." }),
  keep: z.number().int().min(1).max(1000).default(3).meta({ description: 'How many of the newest usable backups each destination must hold.' }),
  storageClass: z.enum(['STANDARD', 'STANDARD_IA', 'ARCHIVE', 'DEEP_ARCHIVE']).default('ARCHIVE').meta({ description: 'Storage class of the copies (object storage; recorded for local regions).' }),
  lag: durationSchema.meta({ description: 'Copy-lag target: max age of the newest verified copy in each destination.' }),
  grace: durationSchema.optional(),
  alertRoute: idSchema.optional().meta({ description: "The alert route told when these copies lag (default: each resource's)." }),
  parallel: z.number().int().min(1).max(16).default(2).meta({ description: 'Files copied at once.' }),
  method: z
    .enum(['auto', 'stream'])
    .default('auto')
    .meta({ description: 'auto: a server-side copy when the stores allow it (copy_file_range between folders), else streamed; stream: always through lifeboat, resumable from the verified part of an interrupted copy.' }),
});
export type CopyPolicy = z.output<typeof copyPolicySchema>;

export const estateSchema = z
  .strictObject({
    version: z.literal(1).meta({ description: 'Format version of this file.' }),
    ledger: z
      .strictObject({
        backend: z.enum(['file', 'redis', 'postgres']).default('file').meta({
          description: 'file: a folder (one host, or a shared mount); postgres: shared by workers on many machines, and the database refuses UPDATE, DELETE and TRUNCATE of records (needs url); redis: deprecated, use postgres (needs REDIS_URL).',
        }),
        dir: z.string().min(1).optional().meta({ description: 'Directory of the file ledger (default .lifeboat/ledger).' }),
        key: z.string().min(1).optional().meta({ description: 'Redis key prefix of the redis ledger (default lifeboat:ledger).' }),
        url: secretRefSchema.optional().meta({ description: "postgres://user:password@host:port/database of the postgres ledger (a secret: it holds the password). Best a role that may only SELECT and INSERT, not the tables' owner." }),
        schema: z
          .string()
          .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'expected a PostgreSQL schema name: lower-case letters, digits and _, at most 63' })
          .optional()
          .meta({ description: "Schema of the postgres ledger's tables (default lifeboat); created on the first append when missing." }),
        publicKey: z
          .string()
          .refine(isEd25519PublicKey, { error: 'expected an ed25519 public key: the base64 line printed by lifeboat ledger keygen, or a PEM block' })
          .optional()
          .meta({ description: 'ed25519 public key (base64 line from lifeboat ledger keygen): every record and seal must verify against it.' }),
        signingKey: secretRefSchema.optional().meta({ description: 'Where the ed25519 private key is (env or file; never in YAML): needed to append when publicKey is set.' }),
        witness: z
          .discriminatedUnion('kind', [
            z.strictObject({ kind: z.literal('dir'), path: z.string().min(1).meta({ description: 'Folder outside the ledger folder (another disk or mount); relative to the estate file.' }) }),
            z.strictObject({ kind: z.literal('redis'), key: z.string().min(1).optional().meta({ description: 'Redis key (default <ledger key>:witness); needs REDIS_URL.' }) }),
            z.strictObject({ kind: z.literal('none') }),
          ])
          .optional()
          .meta({ description: 'Where the newest seal is also kept, away from the records (default: the state folder).' }),
      })
      .refine((l) => !l.signingKey || l.publicKey, { error: 'ledger.signingKey needs ledger.publicKey (printed by lifeboat ledger keygen)', path: ['signingKey'] })
      .refine((l) => l.backend !== 'postgres' || l.url, { error: 'ledger backend postgres needs ledger.url (postgres://…, as { env: NAME } or { file: path })', path: ['url'] })
      .optional(),
    stateDir: z.string().min(1).optional().meta({ description: 'Where lifeboat keeps caches and live state (default .lifeboat/state).' }),
    state: z
      .discriminatedUnion('kind', [
        z.strictObject({
          kind: z.literal('files'),
          singleMachine: z.boolean().optional().meta({ description: 'Distributed mode on the files backend: true says every scheduler and worker runs on this one machine and shares stateDir.' }),
        }),
        z.strictObject({
          kind: z.literal('postgres'),
          url: secretRefSchema.meta({ description: 'postgres://user:password@host:port/database (a secret: it holds the password).' }),
          schema: z
            .string()
            .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'expected a PostgreSQL schema name: lower-case letters, digits and _, at most 63' })
            .optional()
            .meta({ description: "Schema that holds lifeboat's tables (default lifeboat); created and migrated on start." }),
        }),
      ])
      .optional()
      .meta({ description: 'Where runs, leases, copies, verdicts, freshness state and slot claims are kept: files in stateDir (default, one machine) or PostgreSQL (the system of record for distributed mode).' }),
    paths: z.strictObject({ drills: z.string().optional(), schedules: z.string().optional() }).optional().meta({ description: 'Folders of drill and schedule files (default drills/ and schedules/ beside this file).' }),
    defaults: z
      .strictObject({
        ...targetsShape,
        concurrency: z.number().int().min(1).max(1024).optional().meta({ description: 'Resources checked at once.' }),
      })
      .optional(),
    demo: z
      .strictObject({ root: z.string().min(1) })
      .optional()
      .meta({ description: 'Set in the example estate: lifeboat start creates a demo estate under root.' }),
    regions: recordOf(regionSchema),
    credentials: recordOf(credentialSchema).optional(),
    resources: z.array(resourceSchema),
    copies: z.array(copyPolicySchema).optional().meta({ description: 'Cold-copy policies: backups copied to other regions, verified, write-once.' }),
    scrub: z
      .strictObject({ rate: byteRateSchema.optional().meta({ description: 'Read at most this fast when re-hashing backups and copies, e.g. 50MB/s (default: unlimited).' }) })
      .optional()
      .meta({ description: 'lifeboat scrub and scrub schedules: re-hashing every backup and copy to find rot.' }),
    sandboxes: recordOf(sandboxSchema).optional(),
    alertRoutes: recordOf(alertRouteSchema).optional(),
    alerts: alertsSchema,
  })
  .meta({ title: 'lifeboat estate (lifeboat.yaml)' });

export type Estate = z.output<typeof estateSchema>;
export type Resource = z.output<typeof resourceSchema>;
export type Region = z.output<typeof regionSchema>;
export type Sandbox = z.output<typeof sandboxSchema>;
export type DatabaseSource = z.output<typeof databaseSourceSchema>;
