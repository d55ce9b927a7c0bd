import { createPublicKey } from 'node:crypto';

/** Whether text is an ed25519 public key as `lifeboat ledger keygen` prints it (base64 SPKI DER) or as PEM. */
export function isEd25519PublicKey(text: string): boolean {
  try {
    const key = text.includes('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}
