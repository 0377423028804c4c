import { escapeLike, likeContaining, likeStartingWith } from './like';

describe('LIKE patterns', () => {
  it('escapes the wildcards and the escape character itself', () => {
    expect(escapeLike('50%_off\\now')).toBe('50\\%\\_off\\\\now');
  });

  it('leaves ordinary text alone', () => {
    expect(escapeLike('alice.smith-1')).toBe('alice.smith-1');
  });

  it('wraps the escaped text for a substring match', () => {
    expect(likeContaining('a_b')).toBe('%a\\_b%');
  });

  it('appends one wildcard for a prefix match', () => {
    expect(likeStartingWith('user.')).toBe('user.%');
    expect(likeStartingWith('10%')).toBe('10\\%%');
  });
});
