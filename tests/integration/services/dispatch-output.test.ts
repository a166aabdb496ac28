// dispatch() checks every handler's answer against its command's output schema (shared/api):
// a wrong answer is an `internal` error, never sent on; a right one is sent as the handler gave it.
import { describe, expect, it } from 'vitest';
import { checkOutput } from '../../../main/services/dispatch.js';
import { AppError } from '../../../shared/errors.js';

describe('output validation', () => {
  it('refuses an answer that does not match the output schema', () => {
    expect(() => checkOutput('inspections.list', [{ id: 42 }])).toThrow(AppError);
    try {
      checkOutput('inspections.list', { not: 'a list' });
    } catch (error) {
      expect(error).toMatchObject({ code: 'internal' });
    }
  });

  it('passes a matching answer through unchanged (same object, nothing stripped)', () => {
    const empty: unknown[] = [];
    expect(checkOutput('inspections.list', empty)).toBe(empty);
  });
});
