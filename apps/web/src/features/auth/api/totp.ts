import { authApi, type SessionUser, type TotpConfirmRequest, type TotpDisableRequest } from '@moxnas/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';
import { meQueryKey } from '../../../lib/auth';

export const enrolTotp = () => call(authApi.totpEnrol);
export const confirmTotp = (body: TotpConfirmRequest) => call(authApi.totpConfirm, { body });
export const disableTotp = (body: TotpDisableRequest) => call(authApi.totpDisable, { body });

/** A new secret each time; it only takes effect once a code from it is confirmed. */
export function useEnrolTotp() {
  return useMutation({ mutationFn: enrolTotp });
}

/** Both answer the session user, whose `totpEnabled` the menu and the users list show. */
function useSessionUserMutation<B>(fn: (body: B) => Promise<SessionUser>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (user) => {
      queryClient.setQueryData(meQueryKey, user);
      return queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
}

export const useConfirmTotp = () => useSessionUserMutation(confirmTotp);
export const useDisableTotp = () => useSessionUserMutation(disableTotp);
