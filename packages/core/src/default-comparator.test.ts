import { describe, expect, it } from 'vitest';
import { defaultComparatorFor } from './default-comparator.js';

describe('defaultComparatorFor', () => {
  it('prefers the test, then the assignment, then lines', () => {
    expect(defaultComparatorFor({ kind: 'io', comparator: { kind: 'tokens' } }, { comparator: { kind: 'float' } })).toEqual({ kind: 'tokens' });
    expect(defaultComparatorFor({ kind: 'io' }, { comparator: { kind: 'float' } })).toEqual({ kind: 'float' });
    expect(defaultComparatorFor({ kind: 'io' }, {})).toEqual({ kind: 'lines' });
    expect(defaultComparatorFor({ kind: 'unit' }, {})).toEqual({ kind: 'lines' });
  });

  it('uses sql for SQL tests and never a comparator of the wrong family', () => {
    expect(defaultComparatorFor({ kind: 'sql' }, {})).toEqual({ kind: 'sql' });
    expect(defaultComparatorFor({ kind: 'sql' }, { comparator: { kind: 'sql', ordered: true } })).toEqual({ kind: 'sql', ordered: true });
    expect(defaultComparatorFor({ kind: 'sql' }, { comparator: { kind: 'lines' } })).toEqual({ kind: 'sql' });
    expect(defaultComparatorFor({ kind: 'io' }, { comparator: { kind: 'sql' } })).toEqual({ kind: 'lines' });
  });
});
