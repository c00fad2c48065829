import { strict as assert } from 'node:assert';
import { chosenOutsideListed } from '../../src/core/lens/traceMarks';

const token = (id: number, probability: number) => ({ id, text: String(id), probability });

describe('completion inspector marks', () => {
  it('marks a chosen token that every listed token beats and none of them is', () => {
    assert.equal(chosenOutsideListed({ chosen: token(9, 0.01), alternatives: [token(1, 0.3), token(2, 0.2), token(3, 0.1)] }), true);
  });

  it('does not mark a chosen token inside the list, whether the list holds it or leaves it out', () => {
    assert.equal(
      chosenOutsideListed({ chosen: token(1, 0.5), alternatives: [token(2, 0.2), token(3, 0.1)] }),
      false,
      'the greedy choice, listed apart',
    );
    assert.equal(chosenOutsideListed({ chosen: token(3, 0.1), alternatives: [token(1, 0.5), token(3, 0.1)] }), false, 'listed');
    assert.equal(
      chosenOutsideListed({ chosen: token(4, 0.2), alternatives: [token(1, 0.5), token(3, 0.1)] }),
      false,
      'between listed ones',
    );
  });

  it('does not mark a tie with the last listed token, nor a step with nothing listed', () => {
    assert.equal(chosenOutsideListed({ chosen: token(4, 0.1), alternatives: [token(1, 0.5), token(3, 0.1)] }), false);
    assert.equal(chosenOutsideListed({ chosen: token(4, 0.1), alternatives: [] }), false);
  });
});
