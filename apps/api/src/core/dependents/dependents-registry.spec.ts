import { DependentsRegistry } from './dependents-registry';

interface Thing {
  source: string;
  name: string;
}

describe('DependentsRegistry', () => {
  it('asks every provider and returns their dependants in registration order', async () => {
    const registry = new DependentsRegistry<[string], Thing>({ context: 'test' });
    registry.register('b', async (target) => [{ source: 'b', name: `${target}-1` }]);
    registry.register('a', (target) => [
      { source: 'a', name: `${target}-2` },
      { source: 'a', name: `${target}-3` },
    ]);
    expect(await registry.find('tank')).toEqual([
      { source: 'b', name: 'tank-1' },
      { source: 'a', name: 'tank-2' },
      { source: 'a', name: 'tank-3' },
    ]);
  });

  it('passes every argument to the providers', async () => {
    const registry = new DependentsRegistry<['user' | 'group', string], string>({ context: 'test' });
    registry.register('shares', (kind, name) => [`${kind}:${name}`]);
    expect(await registry.find('group', 'staff')).toEqual(['group:staff']);
  });

  it('replaces a provider registered again under the same name, and unregisters only its own', async () => {
    const registry = new DependentsRegistry<[string], string>({ context: 'test' });
    const offFirst = registry.register('shares', () => ['first']);
    const offSecond = registry.register('shares', () => ['second']);
    expect(await registry.find('x')).toEqual(['second']);
    offFirst();
    expect(await registry.find('x')).toEqual(['second']);
    offSecond();
    expect(await registry.find('x')).toEqual([]);
  });

  it('lets a failing provider reject the lookup when there is no unanswered mapping', async () => {
    const registry = new DependentsRegistry<[string], string>({ context: 'test' });
    registry.register('shares', () => Promise.reject(new Error('database down')));
    await expect(registry.find('x')).rejects.toThrow('database down');
  });

  it('turns a failing provider into a blocking dependant when asked to', async () => {
    const registry = new DependentsRegistry<[string], Thing>({
      context: 'test',
      unanswered: (source, err) => ({ source, name: `could not be checked: ${err.message}` }),
    });
    registry.register('ok', () => [{ source: 'ok', name: 'one' }]);
    registry.register('broken', () => {
      throw new Error('database down');
    });
    expect(await registry.find('x')).toEqual([
      { source: 'ok', name: 'one' },
      { source: 'broken', name: 'could not be checked: database down' },
    ]);
  });
});
