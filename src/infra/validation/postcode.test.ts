import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { POSTCODE_INPUT_MAX_LENGTH, normalisePostcode } from './postcode.js';

describe('normalisePostcode', () => {
  it('accepts a full postcode in any case and spacing', () => {
    const expected = { outcode: 'LS28', incode: '5AB', formatted: 'LS28 5AB' };
    for (const input of [
      'LS28 5AB',
      'ls28 5ab',
      'LS285AB',
      ' ls28  5ab ',
      'Ls28\t5aB',
      'L S28 5AB',
    ])
      assert.deepEqual(normalisePostcode(input), expected, input);
  });

  it('accepts a postcode district on its own', () => {
    assert.deepEqual(normalisePostcode('LS28'), {
      outcode: 'LS28',
      incode: null,
      formatted: 'LS28',
    });
    assert.deepEqual(normalisePostcode(' ls17 '), {
      outcode: 'LS17',
      incode: null,
      formatted: 'LS17',
    });
  });

  it('accepts every outward-code shape: A9, A99, AA9, AA99, A9A, AA9A', () => {
    const cases: [string, string, string][] = [
      ['M1 1AE', 'M1', '1AE'],
      ['B33 8TH', 'B33', '8TH'],
      ['CR2 6XH', 'CR2', '6XH'],
      ['DN55 1PT', 'DN55', '1PT'],
      ['W1A 0AX', 'W1A', '0AX'],
      ['EC1A 1BB', 'EC1A', '1BB'],
      ['sw1a2aa', 'SW1A', '2AA'],
      ['b11aa', 'B1', '1AA'],
    ];
    for (const [input, outcode, incode] of cases) {
      const result = normalisePostcode(input);
      assert.ok(result, input);
      assert.equal(result.outcode, outcode, input);
      assert.equal(result.incode, incode, input);
      assert.equal(result.formatted, `${outcode} ${incode}`, input);
    }
    for (const district of ['M1', 'B33', 'CR2', 'DN55', 'W1A', 'EC1A'])
      assert.equal(normalisePostcode(district)?.formatted, district);
  });

  it('treats shape-valid districts that may not exist (ZZ99) as postcodes, and Girobank GIR 0AA', () => {
    assert.equal(normalisePostcode('ZZ99')?.outcode, 'ZZ99');
    assert.equal(normalisePostcode('ZZ99 3VZ')?.formatted, 'ZZ99 3VZ');
    assert.equal(normalisePostcode('gir0aa')?.formatted, 'GIR 0AA');
  });

  it('rejects garbage', () => {
    const garbage = [
      '',
      '   ',
      'garbage',
      'hello world',
      '12345',
      'LS',
      'L',
      '9LS 5AB',
      'LS285',
      'LS28 5A',
      'LS28 5ABC',
      'LS28 AAB',
      'LS28 55B',
      'LSS28 5AB',
      'LS288 5AB',
      'LS2A8',
      'LS28-5AB',
      'LS28 5A!',
      '<script>',
      'ŁS28 5AB',
      'LS28 5AB LS28 5AB',
      'GIR',
      'GIR 0AB',
    ];
    for (const input of garbage)
      assert.equal(normalisePostcode(input), null, JSON.stringify(input));
  });

  it(`rejects input longer than ${POSTCODE_INPUT_MAX_LENGTH} characters even if it holds a postcode`, () => {
    const padded = `LS28${' '.repeat(POSTCODE_INPUT_MAX_LENGTH)}5AB`;
    assert.equal(normalisePostcode(padded), null);
    const atLimit = `LS28${' '.repeat(POSTCODE_INPUT_MAX_LENGTH - 7)}5AB`;
    assert.equal(atLimit.length, POSTCODE_INPUT_MAX_LENGTH);
    assert.equal(normalisePostcode(atLimit)?.formatted, 'LS28 5AB');
  });
});
