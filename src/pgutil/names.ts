import { LifeboatError } from '../domain/index.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A schema name checked again where it is used (the config checks it too): it is spliced into SQL as an identifier. `what` names the owner in the message. */
export function checkedSchema(schema: string, what: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new LifeboatError('CONFIG_INVALID', `${what} schema ${JSON.stringify(schema.slice(0, 70))}: expected lower-case letters, digits and _ (at most 63, not starting with a digit)`);
  return schema;
}

/** A checked schema name as a quoted SQL identifier. */
export const quoteSchema = (schema: string, what: string) => `"${checkedSchema(schema, what)}"`;

/**
 * `host:port/database schema <schema>` for messages. The URL holds a password, so it is
 * parsed and only those parts are kept; an unparseable URL is not repeated either. `field`
 * is how the config names the URL.
 */
export function describeWhere(url: string, schema: string, field: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LifeboatError('CONFIG_INVALID', `${field} is not a valid postgres:// URL`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new LifeboatError('CONFIG_INVALID', `${field}: expected postgres://, got ${u.protocol}//`);
  const user = decodeURIComponent(u.username);
  // pg's defaults: localhost, 5432, and a database named after the user.
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || user || 'postgres';
  return `${u.hostname || 'localhost'}:${u.port || '5432'}/${database} schema ${schema}`;
}

/** A driver's message with the URL's password masked, in case a driver ever repeats it. */
export function redact(message: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // describeWhere has already refused a URL that does not parse.
  }
  return password ? message.split(password).join('***') : message;
}
