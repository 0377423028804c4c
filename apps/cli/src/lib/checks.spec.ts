import { report } from './checks';

describe('report', () => {
  it('fails only on fail lines; warnings keep it ok', () => {
    expect(report([{ id: 'a', title: 'A', status: 'ok', detail: '' }, { id: 'b', title: 'B', status: 'warn', detail: '' }]).ok).toBe(true);
    expect(report([{ id: 'a', title: 'A', status: 'fail', detail: '' }]).ok).toBe(false);
  });
});
