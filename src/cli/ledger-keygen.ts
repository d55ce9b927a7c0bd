import { chmod, open } from 'node:fs/promises';
import path from 'node:path';
import { LifeboatError } from '../domain/index.js';
import { generateLedgerKeyPair } from '../ledger/index.js';
import { EXIT, type CliContext } from './context.js';

/**
 * lifeboat ledger keygen: a new ed25519 pair for signing the ledger. The private key goes
 * only where the user asked: a new file (mode 0600, never over an existing one) or, with
 * --print-private-key, stdout. Then it prints the estate lines that use the pair.
 */
export async function ledgerKeygenCommand(ctx: CliContext, opts: { out?: string; printPrivateKey?: boolean; json?: boolean }): Promise<number> {
  if (!opts.out === !opts.printPrivateKey) {
    throw new LifeboatError('USAGE', 'say where the private key goes: --out FILE (a new file, mode 0600) or --print-private-key (stdout, e.g. for a secret manager)');
  }
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
    ctx.out(
      instructions(pair.publicKey, pair.kid, '{ env: LIFEBOAT_LEDGER_KEY }', [
        'Private key (store it as the secret LIFEBOAT_LEDGER_KEY, or in a file; it is not shown again):',
        '',
        `  ${privateLine}`,
      ]),
    );
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
