import { hash as digest } from 'node:crypto';

/** A deterministic UUID (version 5 layout, SHA-1 of a name), so CLI output is reproducible. */
export const deterministicUuid = (name: string): string => {
  // One-shot hashing: the same bytes as createHash().update().digest(), without the Hash object.
  const hash = digest('sha1', `plantsync:${name}`, 'buffer');
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};
