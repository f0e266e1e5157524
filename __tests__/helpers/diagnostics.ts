/** What the loader refuses, as data: the one way the tests read a UserInputError. */
import { UserInputError, type Diagnostic } from '../../src/common/diagnostics.js';

/**
 * The diagnostics `load` refuses with, [] when it succeeds. Any other error is thrown on, so a crash is
 * never taken for a refusal.
 */
export function diagnosticsOf(load: () => unknown): Diagnostic[] {
  try {
    load();
  } catch (e) {
    if (e instanceof UserInputError) return e.diagnostics;
    throw e;
  }
  return [];
}
