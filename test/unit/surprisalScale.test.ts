import { strict as assert } from 'node:assert';
import { binEdges, SCALE_MAX_BITS, SURPRISAL_COLOURS, surprisalBin, translucent } from '../../src/core/lens/surprisalScale';

describe('surprisal colour scale', () => {
  it('puts bits into equal bins up to the maximum, and everything above into the last', () => {
    assert.equal(SURPRISAL_COLOURS.length, 6);
    assert.equal(surprisalBin(0), 0);
    assert.equal(surprisalBin(1.99), 0);
    assert.equal(surprisalBin(2), 1);
    assert.equal(surprisalBin(11.9), 5);
    assert.equal(surprisalBin(40), 5);
    assert.equal(surprisalBin(Infinity), 5);
    assert.equal(surprisalBin(Number.NaN), 0);
  });

  it('gives the legend the lower edge of each bin', () => {
    assert.deepEqual(binEdges(), [0, 2, 4, 6, 8, 10]);
    assert.equal(SCALE_MAX_BITS, 12);
  });

  it('runs from dark to light, so order survives any colour-vision deficiency', () => {
    const luminance = (hex: string) => {
      const v = Number.parseInt(hex.slice(1), 16);
      return 0.2126 * ((v >> 16) & 255) + 0.7152 * ((v >> 8) & 255) + 0.0722 * (v & 255);
    };
    const values = SURPRISAL_COLOURS.map(luminance);
    values.slice(1).forEach((value, index) => assert.ok(value > (values[index] ?? Infinity), `bin ${index + 1} is lighter`));
  });

  it('writes a translucent rgba colour', () => {
    assert.equal(translucent('#fee838', 0.5), 'rgba(254, 232, 56, 0.5)');
  });
});
