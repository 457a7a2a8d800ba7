import { candidate, ids } from '../testing/candidate.factory';
import { firstBy, firstKBy, memberOrder } from './candidate-order';

describe(firstKBy.name, () => {
  const byPosition = [5, 3, 9, 1, 7, 3].map((p, i) => candidate(`m${i}`, { position: p }));

  it('returns the first k in order, sorted, as a full sort would', () => {
    const sorted = ids([...byPosition].sort(memberOrder));
    for (let k = 0; k <= byPosition.length + 1; k++) expect(ids(firstKBy(byPosition, k, memberOrder))).toEqual(sorted.slice(0, k));
  });

  it('agrees with firstBy for k = 1', () => {
    expect(ids(firstKBy(byPosition, 1, memberOrder))).toEqual([firstBy(byPosition, memberOrder)!.agentId]);
  });
});
