import { accessApi, usersApi, type AccessReport } from '@moxnas/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { call } from '../../lib/api-client';

/**
 * Effective access is asked for by the storage and shares pages alike, so its queries live with
 * the shared dialog rather than in either feature.
 */
export const accessKeys = {
  one: (user: string, path: string) => ['access', 'user', user, path] as const,
  everyone: (path: string) => ['access', 'everyone', path] as const,
};

export const effectiveAccessQueryOptions = (user: string, path: string) =>
  queryOptions({ queryKey: accessKeys.one(user, path), queryFn: ({ signal }) => call(accessApi.effective, { query: { user, path }, signal }) });

/** What one user can do at `path` over SMB, FTP and NFS, with the rule chain of each. */
export const useEffectiveAccess = (user: string, path: string, enabled: boolean) => useQuery({ ...effectiveAccessQueryOptions(user, path), enabled: enabled && user !== '' && path !== '' });

const PAGE = 500;
/** Parallel answers at a time: the API stats and reads the ACL of every directory for each. */
const PARALLEL = 4;

async function allUserNames(signal: AbortSignal): Promise<string[]> {
  const names: string[] = [];
  for (let page = 1; ; page++) {
    const res = await call(usersApi.list, { query: { page, pageSize: PAGE }, signal });
    names.push(...res.items.map((u) => u.username));
    if (res.items.length < PAGE || names.length >= res.total) return names;
  }
}

async function eachLimited<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await run(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The reverse listing: every MoxNAS user's answer at `path`. The API answers one user at a time
 * (GET /api/access), so this asks it for each user of GET /api/users, a few at once.
 */
export const everyoneAccessQueryOptions = (path: string) =>
  queryOptions({
    queryKey: accessKeys.everyone(path),
    queryFn: async ({ signal }): Promise<AccessReport[]> => {
      const names = await allUserNames(signal);
      return eachLimited(names, PARALLEL, (user) => call(accessApi.effective, { query: { user, path }, signal }));
    },
  });

export const useEveryoneAccess = (path: string, enabled: boolean) => useQuery({ ...everyoneAccessQueryOptions(path), enabled: enabled && path !== '' });
