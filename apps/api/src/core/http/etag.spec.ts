import { endpoint, page } from '@moxnas/contracts';
import { z } from 'zod';
import { listRoutes, noneMatch, weakEtag } from './etag';

describe('list ETags', () => {
  it('takes GET arrays and pages as lists, and nothing else', () => {
    const item = z.object({ id: z.string() });
    const routes = listRoutes([
      endpoint({ id: 'a.list', method: 'GET', path: '/api/a', tag: 'a', access: 'viewer', summary: 'a', response: z.array(item) }),
      endpoint({ id: 'b.list', method: 'GET', path: '/api/b/{id}/c', tag: 'b', access: 'viewer', summary: 'b', response: page(item) }),
      endpoint({ id: 'b.get', method: 'GET', path: '/api/b/{id}', tag: 'b', access: 'viewer', summary: 'b', response: item }),
      endpoint({ id: 'b.bulk', method: 'POST', path: '/api/b', tag: 'b', access: 'admin', summary: 'b', response: z.array(item) }),
    ]);
    expect([...routes]).toEqual(['/api/a', '/api/b/:id/c']);
  });

  it('finds the real shares, users, pools and datasets lists', () => {
    const routes = listRoutes();
    for (const r of ['/api/shares/smb', '/api/users', '/api/storage/pools', '/api/storage/datasets']) expect(routes.has(r)).toBe(true);
  });

  it('tags by body: the same body the same weak tag, another body another', () => {
    expect(weakEtag('{"a":1}')).toBe(weakEtag(Buffer.from('{"a":1}')));
    expect(weakEtag('{"a":1}')).not.toBe(weakEtag('{"a":2}'));
    expect(weakEtag('x')).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
  });

  it('matches If-None-Match by weak comparison, in a list or as *', () => {
    const tag = weakEtag('x');
    expect(noneMatch(undefined, tag)).toBe(false);
    expect(noneMatch(tag, tag)).toBe(true);
    expect(noneMatch(tag.slice(2), tag)).toBe(true);
    expect(noneMatch(`W/"other", ${tag}`, tag)).toBe(true);
    expect(noneMatch('*', tag)).toBe(true);
    expect(noneMatch('W/"other"', tag)).toBe(false);
  });
});
