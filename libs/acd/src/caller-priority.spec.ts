import { callerPriority, normalizeCallerNumber } from './caller-priority';

describe(callerPriority.name, () => {
  const queue = { vipNumbers: ['+49 30 1234-567', '1001'], vipPriority: 20 };

  it('is the requested priority for a caller not on the VIP list', () => {
    expect(callerPriority({ ...queue, requested: 5, callerNumber: '+49301111' })).toBe(5);
    expect(callerPriority({ ...queue, callerNumber: '+49301111' })).toBe(0);
  });

  it("is the queue's vipPriority for a VIP caller, numbers compared without spaces and dashes", () => {
    expect(callerPriority({ ...queue, callerNumber: '+49301234567' })).toBe(20);
    expect(callerPriority({ ...queue, callerNumber: '+49-30-123 4567' })).toBe(20);
  });

  it('is the larger of the two for a VIP caller', () => {
    expect(callerPriority({ ...queue, requested: 50, callerNumber: '1001' })).toBe(50);
    expect(callerPriority({ ...queue, requested: 3, callerNumber: '1001' })).toBe(20);
  });

  it('does not rewrite prefixes: +49… and 0049… are different numbers', () => {
    expect(callerPriority({ ...queue, callerNumber: '0049301234567' })).toBe(0);
  });

  it('never makes an anonymous caller a VIP', () => {
    const listsEmpty = { vipNumbers: ['', ' - '], vipPriority: 30 };
    expect(callerPriority({ ...listsEmpty, callerNumber: '' })).toBe(0);
    expect(callerPriority({ ...listsEmpty, callerNumber: null })).toBe(0);
    expect(callerPriority({ ...listsEmpty, callerNumber: ' ' })).toBe(0);
  });

  it('is bounded to 0–100 and rounded; non-finite counts as 0', () => {
    expect(callerPriority({ ...queue, requested: 250, callerNumber: 'x' })).toBe(100);
    expect(callerPriority({ ...queue, requested: -4, callerNumber: 'x' })).toBe(0);
    expect(callerPriority({ ...queue, requested: 7.6, callerNumber: 'x' })).toBe(8);
    expect(callerPriority({ ...queue, requested: Number.NaN, callerNumber: 'x' })).toBe(0);
    expect(callerPriority({ vipNumbers: ['1'], vipPriority: 1000, callerNumber: '1' })).toBe(100);
    expect(callerPriority({ vipNumbers: ['1'], vipPriority: Number.POSITIVE_INFINITY, requested: 4, callerNumber: '1' })).toBe(4);
  });
});

describe(normalizeCallerNumber.name, () => {
  it('removes spaces, tabs and dashes only', () => {
    expect(normalizeCallerNumber(' +1 (555)\t010-0000 ')).toBe('+1(555)0100000');
  });
});
