import { chmod, open } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { LifeboatError } from '../../../domain/index.js';
import { generateLedgerKeyPair } from '../../../ledger/index.js';
import { EXIT, type CliContext } from '../../context.js';
import { defineCommand, JSON_OPTION } from '../define.js';
import { flag } from '../options.js';

/**
 * lifeboat ledger keygen: a new ed25519 pair for signing the ledger. The private key goes
 * only where the user asked: a new file (mode 0600, never over an existing one) or, with
 * --print-private-key, stdout (exactly one of them: the command's schema sees to it). Then it
 * prints the estate lines that use the pair.
 */
async function ledgerKeygenCommand(ctx: CliContext, opts: { out?: string; printPrivateKey?: boolean; json?: boolean }): Promise<number> {
  const pair = generateLedgerKeyPair();
  if (opts.out) {
    const file = path.resolve(opts.out);
    let fh;
    try {
      fh = await open(file, 'wx', 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new LifeboatError('USAGE', code === 'EEXIST' ? `${file} exists: a key is never overwritten; choose another file` : `cannot create ${file}: ${code ?? (err as Error).message}`);
    }
    try {
      await fh.writeFile(pair.privateKeyPem);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(file, 0o600);
    if (opts.json) ctx.out(JSON.stringify({ kid: pair.kid, publicKey: pair.publicKey, privateKeyFile: file }, null, 2));
    else ctx.out(instructions(pair.publicKey, pair.kid, `{ file: ${JSON.stringify(file)} }`, [`The private key is in ${file} (mode 0600). Keep it only where lifeboat appends to the ledger;`, 'machines that only verify need just the public key.']));
    return EXIT.ok;
  }
  // One line of base64 (PKCS#8 DER): fits an environment variable or a secret manager.
  const privateLine = pair.privateKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  if (opts.json) ctx.out(JSON.stringify({ kid: pair.kid, publicKey: pair.publicKey, privateKey: privateLine }, null, 2));
  else {
    ctx.out(instructions(pair.publicKey, pair.kid, '{ env: LIFEBOAT_LEDGER_KEY }', ['Private key (store it as the secret LIFEBOAT_LEDGER_KEY, or in a file; it is not shown again):', '', `  ${privateLine}`]));
  }
  return EXIT.ok;
}

function instructions(publicKey: string, kid: string, ref: string, about: string[]): string {
  return [
    `New ledger key ${kid}. In lifeboat.yaml:`,
    '',
    'ledger:',
    `  publicKey: ${publicKey}`,
    `  signingKey: ${ref}`,
    '',
    ...about,
    '',
    'From then on every record and seal is signed, and lifeboat ledger verify checks them against publicKey.',
  ].join('\n');
}

export const ledgerKeygen = defineCommand({
  path: ['ledger', 'keygen'],
  description: 'make an ed25519 key pair for signing the ledger and print how to configure it',
  options: [
    { flags: '--out <file>', description: 'write the private key to this new file (mode 0600)' },
    { flags: '--print-private-key', description: 'print the private key to stdout instead (for a secret manager or an environment variable)' },
    JSON_OPTION(),
  ],
  schema: z.object({ out: z.string().optional(), printPrivateKey: flag, json: flag }).refine((o) => !o.out !== !o.printPrivateKey, {
    error: 'say where the private key goes: --out FILE (a new file, mode 0600) or --print-private-key (stdout, e.g. for a secret manager)',
  }),
  run: (ctx, o) => ledgerKeygenCommand(ctx, o),
});
