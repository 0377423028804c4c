import { accessApi, type AccessAnswer, type AccessListing, type AccessReport } from '@moxnas/contracts';
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

/** The API answers the reverse listing when `user` is left out; one user's report otherwise. */
const isListing = (a: AccessAnswer): a is AccessListing => 'users' in a;

export const effectiveAccessQueryOptions = (user: string, path: string) =>
  queryOptions({
    queryKey: accessKeys.one(user, path),
    queryFn: async ({ signal }): Promise<AccessReport> => {
      const answer = await call(accessApi.effective, { query: { user, path }, signal });
      if (isListing(answer)) throw new Error('The API answered with every user where one was asked for.');
      return answer;
    },
  });

/** What one user can do at `path` over SMB, FTP and NFS, with the rule chain of each. */
export const useEffectiveAccess = (user: string, path: string, enabled: boolean) => useQuery({ ...effectiveAccessQueryOptions(user, path), enabled: enabled && user !== '' && path !== '' });

/** The reverse listing: every MoxNAS user's answer at `path`, in one request (GET /api/access without `user`). */
export const everyoneAccessQueryOptions = (path: string) =>
  queryOptions({
    queryKey: accessKeys.everyone(path),
    queryFn: async ({ signal }): Promise<AccessReport[]> => {
      const answer = await call(accessApi.effective, { query: { path }, signal });
      if (!isListing(answer)) throw new Error('The API answered for one user where every user was asked for.');
      return answer.users;
    },
  });

export const useEveryoneAccess = (path: string, enabled: boolean) => useQuery({ ...everyoneAccessQueryOptions(path), enabled: enabled && path !== '' });
