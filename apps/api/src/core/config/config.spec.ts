import { ConfigError, loadConfig, LOOPBACK_PROXIES } from './config';

describe('MOXNAS_TRUST_PROXY', () => {
  const trust = (value?: string) => loadConfig(value === undefined ? {} : { MOXNAS_TRUST_PROXY: value }, '/tmp').trustProxy;

  it('trusts no proxy by default or when off', () => {
    expect(trust()).toBe(false);
    expect(trust('')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('false')).toBe(false);
  });

  it('trusts only the local proxy when on, never every hop', () => {
    expect(trust('1')).toEqual(LOOPBACK_PROXIES);
    expect(trust('true')).toEqual(['127.0.0.0/8', '::1/128']);
  });

  it('takes a list of proxy addresses and CIDRs', () => {
    expect(trust('127.0.0.1, 10.0.0.0/24,fd00::1/128')).toEqual(['127.0.0.1', '10.0.0.0/24', 'fd00::1/128']);
  });

  it.each(['yes', 'nginx', '10.0.0.0/33', '10.0.0.1/8/2', ' , '])('refuses %j at boot, naming the variable', (value) => {
    expect(() => trust(value)).toThrow(ConfigError);
    expect(() => trust(value)).toThrow(/MOXNAS_TRUST_PROXY/);
  });
});
