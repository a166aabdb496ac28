/**
 * Checks of a pasted device key, in plain words, before it is sent: what is wrong with this
 * key and what to do, rather than a pattern's name. The store checks again (shared schema).
 */

const SIGNING_KEY_LENGTH = 43;
const BOX_KEY_LENGTH = 62;
const BECH32 = /^[02-9ac-hj-np-z]*$/;

export function signingKeyProblem(raw: string): string | null {
  const key = raw.trim();
  if (key === '') return null;
  const bad = /[^A-Za-z0-9_-]/.exec(key);
  if (bad)
    return `A signing key has only letters, digits, "-" and "_"; this one has "${bad[0]}". Copy it again from the inspector's "Your keys" panel.`;
  if (key.length !== SIGNING_KEY_LENGTH) {
    return `This signing key is ${key.length} characters long; a signing key is ${SIGNING_KEY_LENGTH}. Part of it may be missing: copy it again.`;
  }
  return null;
}

export function boxKeyProblem(raw: string): string | null {
  const key = normaliseBoxKey(raw);
  if (key === '') return null;
  if (!key.startsWith('age1')) {
    return `An encryption key starts with "age1"; this one starts with "${key.slice(0, 4)}". Check you pasted the encryption key, not the signing key.`;
  }
  const rest = key.slice(4);
  if (!BECH32.test(rest)) {
    const bad = /[^02-9ac-hj-np-z]/.exec(rest)?.[0] ?? '';
    return `After "age1" an encryption key never has "${bad}" (it uses small letters and digits, but not b, i, o or 1). Copy it again.`;
  }
  if (key.length !== BOX_KEY_LENGTH) {
    return `This encryption key is ${key.length} characters long; an encryption key is ${BOX_KEY_LENGTH}. Part of it may be missing: copy it again.`;
  }
  return null;
}

/** Spaces from a line-wrapped paste removed; an all-capitals key (some mail clients) lowered. */
export function normaliseBoxKey(raw: string): string {
  const key = raw.replace(/\s+/g, '');
  return key === key.toUpperCase() ? key.toLowerCase() : key;
}
