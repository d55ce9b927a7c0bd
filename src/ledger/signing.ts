import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { LifeboatError } from '../domain/index.js';

/** Checks signatures made by one ed25519 key; `kid` names the key in records and seals. */
export interface LedgerVerifier {
  kid: string;
  verify(message: string, sig: string): boolean;
}

/** Makes signatures; its public half is the configured public key (checked when it is made). */
export interface LedgerSigner {
  kid: string;
  sign(message: string): string;
}

/**
 * A public key as the estate holds it: base64 of the SPKI DER (one line, what
 * `ledger keygen` prints) or a PEM block. Throws a message that quotes nothing of the key.
 */
export function parsePublicKey(text: string): KeyObject {
  let key: KeyObject;
  try {
    key = text.includes('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new LifeboatError('CONFIG_INVALID', 'ledger.publicKey is not a public key: expected the base64 line printed by lifeboat ledger keygen, or a PEM block');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new LifeboatError('CONFIG_INVALID', `ledger.publicKey is an ${key.asymmetricKeyType} key: expected ed25519`);
  return key;
}

/** A private key from its secret: a PEM block or base64 of the PKCS#8 DER. */
export function parsePrivateKey(text: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = text.includes('-----BEGIN') ? createPrivateKey(text) : createPrivateKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new LifeboatError('SECRET_UNAVAILABLE', `${where} does not hold a private key: expected what lifeboat ledger keygen wrote (PEM, or its base64 line)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new LifeboatError('SECRET_UNAVAILABLE', `${where} holds an ${key.asymmetricKeyType} key: expected ed25519`);
  return key;
}

/** Short, stable name of a public key: the first 16 hex digits of sha256 over its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function createVerifier(publicKey: KeyObject): LedgerVerifier {
  return {
    kid: keyIdOf(publicKey),
    verify: (message, sig) => {
      try {
        return verify(null, Buffer.from(message), publicKey, Buffer.from(sig, 'base64'));
      } catch {
        return false;
      }
    },
  };
}

/** A signer whose key must be the private half of the configured public key. */
export function createSigner(privateKey: KeyObject, publicKey: KeyObject, where: string): LedgerSigner {
  const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  if (!derived.equals(publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new LifeboatError('CONFIG_INVALID', `the private key in ${where} is not the pair of ledger.publicKey (key ${keyIdOf(publicKey)})`);
  }
  return { kid: keyIdOf(publicKey), sign: (message) => sign(null, Buffer.from(message), privateKey).toString('base64') };
}

/** A new key pair: the public key as one base64 line for the estate, the private key as PEM. */
export function generateLedgerKeyPair(): { publicKey: string; privateKeyPem: string; kid: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    kid: keyIdOf(publicKey),
  };
}
