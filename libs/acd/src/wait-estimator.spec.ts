import { WaitEstimator } from './wait-estimator';

describe(WaitEstimator.name, () => {
  it('is unknown before any answered call', () => {
    expect(new WaitEstimator().estimateS('q', 1, 1)).toBeUndefined();
  });

  it('uses the average speed of answer until a call was handled', () => {
    const sut = new WaitEstimator();
    sut.answered('q', 10_000);
    sut.answered('q', 20_000);
    expect(sut.estimateS('q', 3, 1)).toBe(15);
    expect(sut.estimateS('other', 3, 1)).toBeUndefined();
  });

  it('mean handle time × ceil(position ÷ agents), rounded up to the second', () => {
    const sut = new WaitEstimator();
    sut.answered('q', 1_000);
    sut.handled('q', 60_000);
    sut.handled('q', 120_500);
    expect(sut.estimateS('q', 1, 2)).toBe(91); // 90.25 s × 1
    expect(sut.estimateS('q', 3, 2)).toBe(181); // 90.25 s × 2
    expect(sut.estimateS('q', 2, 0)).toBe(181); // no agent: as one
  });

  it('keeps only the most recent samples', () => {
    const sut = new WaitEstimator(2);
    sut.handled('q', 1_000_000);
    sut.handled('q', 10_000);
    sut.handled('q', 20_000);
    expect(sut.estimateS('q', 1, 1)).toBe(15);
  });
});
