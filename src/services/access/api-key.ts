import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The key format: `pis_` + 32 random bytes in base64url (43 characters). The prefix makes a
 * leaked key easy to recognise (secret scanners, logs); 256 random bits make it unguessable.
 */
const KEY_PREFIX = 'pis_';
const KEY_PATTERN = /^pis_[A-Za-z0-9_-]{43}$/;

/** A new random key, returned to its creator once and never stored. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** A new public key id: not secret, only unique enough to name a key in `keys revoke`. */
export function generateKeyId(): string {
  return `key_${randomBytes(8).toString('hex')}`;
}

/** Whether a presented string has the shape of one of our keys (checked before hashing). */
export function looksLikeApiKey(presented: string): boolean {
  return KEY_PATTERN.test(presented);
}

/**
 * sha256 of the key, in hex. A plain fast hash is enough here, unlike for passwords: slow,
 * salted hashes (bcrypt, scrypt, argon2) exist to make guessing low-entropy secrets expensive,
 * and a 256-bit random key cannot be guessed at any hashing speed. A stolen store therefore
 * yields no key, and an unsalted hash lets a request find its key by an indexed lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Compares two hex hashes in constant time. The store finds a record by hash (an index lookup
 * whose timing depends only on the hash, which tells an attacker nothing about the key); this
 * re-check keeps the final decision free of early-exit string comparison all the same.
 */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
