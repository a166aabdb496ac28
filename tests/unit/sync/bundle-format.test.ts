import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import {
  BUNDLE_FORMAT,
  DEFAULT_LIMITS,
  OUTER_HEADER_BYTES,
  checkOuterHeader,
  encodeOuterHeader,
  rejectBundle,
} from '../../../main/sync/bundle-format.js';
import { namesItselfLead, rosterEditsOf, sameFingerprint, trustedAuthors } from '../../../main/sync/roster-trust.js';
import type { Op } from '../../../shared/sync/op.js';

const reasonOf = (work: () => unknown): unknown => {
  try {
    work();
  } catch (error) {
    return error instanceof AppError ? error.details?.reason : error;
  }
  return 'accepted';
};

describe('the outer header', () => {
  const header = encodeOuterHeader(1000);

  it('accepts its own header when the file has exactly the declared length', () => {
    expect(checkOuterHeader(header, OUTER_HEADER_BYTES + 1000, DEFAULT_LIMITS)).toBe(1000);
    expect(header.readUInt16BE(8)).toBe(BUNDLE_FORMAT);
  });

  it('tells a short file, a long file, a newer format, a foreign file and an oversized file apart', () => {
    expect(reasonOf(() => checkOuterHeader(header, OUTER_HEADER_BYTES + 999, DEFAULT_LIMITS))).toBe('truncated');
    expect(reasonOf(() => checkOuterHeader(header.subarray(0, 5), 5, DEFAULT_LIMITS))).toBe('truncated');
    expect(reasonOf(() => checkOuterHeader(header, OUTER_HEADER_BYTES + 1001, DEFAULT_LIMITS))).toBe('corrupt');
    const newer = Buffer.from(header);
    newer.writeUInt16BE(BUNDLE_FORMAT + 1, 8);
    expect(reasonOf(() => checkOuterHeader(newer, OUTER_HEADER_BYTES + 1000, DEFAULT_LIMITS))).toBe('newer-format');
    expect(reasonOf(() => checkOuterHeader(Buffer.from('PK\u0003\u0004 a zip file, not ours'), 100, DEFAULT_LIMITS))).toBe(
      'not-a-bundle',
    );
    expect(reasonOf(() => checkOuterHeader(header, 10_000, { ...DEFAULT_LIMITS, maxBundleBytes: 9_999 }))).toBe('too-large');
  });

  it('refusals carry the typed code, the reason and a plain sentence with the fingerprint', () => {
    const error = rejectBundle('unknown-author', { fingerprint: 'ABCD 1234' });
    expect(error.code).toBe('bundle_invalid');
    expect(error.message).toContain('ABCD 1234');
    expect(rejectBundle('newer-format').code).toBe('bundle_from_future');
  });
});

describe('roster trust', () => {
  const op = (author: string, row: string, field: string, value: string): Op => ({
    id: `${row}${field}`,
    inspection: 'i',
    hlc: '000000000000001.000000.n',
    author,
    table: 'team_member',
    row,
    field,
    value,
    deps: [],
  });

  it('keys added by the lead become trusted; keys added by a member or a stranger do not', () => {
    const lead = rosterEditsOf('LEAD', [op('LEAD', 'r1', 'signing_key', 'ANNA'), op('LEAD', 'r0', 'signing_key', 'LEAD')]);
    const anna = rosterEditsOf('ANNA', [op('ANNA', 'r2', 'signing_key', 'BEN')]);
    const stranger = rosterEditsOf('EVE', [op('EVE', 'r3', 'signing_key', 'MALLORY')]);
    const trusted = trustedAuthors(new Set(['LEAD']), [anna, stranger, lead]);
    expect([...trusted].sort()).toEqual(['ANNA', 'LEAD']);
  });

  it('a key the lead hands the lead role to may add members in the same bundle', () => {
    const lead = rosterEditsOf('LEAD', [op('LEAD', 'r1', 'signing_key', 'ANNA'), op('LEAD', 'r1', 'role', 'lead')]);
    const anna = rosterEditsOf('ANNA', [op('ANNA', 'r2', 'signing_key', 'BEN')]);
    expect([...trustedAuthors(new Set(['LEAD']), [anna, lead])].sort()).toEqual(['ANNA', 'BEN', 'LEAD']);
  });

  it('a joining laptop trusts a setup bundle only if the lead names itself lead', () => {
    const named = rosterEditsOf('LEAD', [op('LEAD', 'r0', 'signing_key', 'LEAD'), op('LEAD', 'r0', 'role', 'lead')]);
    const notLead = rosterEditsOf('LEAD', [op('LEAD', 'r0', 'signing_key', 'LEAD'), op('LEAD', 'r0', 'role', 'inspector')]);
    expect(namesItselfLead('LEAD', [named])).toBe(true);
    expect(namesItselfLead('LEAD', [notLead])).toBe(false);
  });

  it('fingerprints compare as people type them', () => {
    expect(sameFingerprint('abcd 12EF', 'ABCD12ef')).toBe(true);
    expect(sameFingerprint('ABCD', 'ABCE')).toBe(false);
    expect(sameFingerprint('', '')).toBe(false);
  });
});
