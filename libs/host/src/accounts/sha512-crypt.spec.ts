import { sha512Crypt } from './sha512-crypt';

describe('sha512Crypt', () => {
  // Test vectors from the specification (akkadia.org/drepper/SHA-crypt.txt).
  it('matches the reference output with the default rounds', () => {
    expect(sha512Crypt('Hello world!', 'saltstring', 5000)).toBe(
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    );
  });

  it('matches the reference output with explicit rounds and a long salt', () => {
    expect(sha512Crypt('Hello world!', 'saltstringsaltstring', 10000)).toBe(
      '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
    );
    expect(sha512Crypt('we have a short salt string but not a short password', 'short', 77777)).toBe(
      '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0',
    );
  });

  it('uses a fresh 16-character salt each time', () => {
    const one = sha512Crypt('secret pass', undefined, 1000);
    const two = sha512Crypt('secret pass', undefined, 1000);
    expect(one).toMatch(/^\$6\$rounds=1000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(one).not.toBe(two);
  });
});
