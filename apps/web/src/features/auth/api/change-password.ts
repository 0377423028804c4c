import { authApi, type ChangePasswordRequest } from '@moxnas/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';
import { meQueryKey } from '../../../lib/auth';
import { setAccessToken } from '../../../lib/session';

export const changePassword = (body: ChangePasswordRequest) => call(authApi.changePassword, { body });

/** Every other session is revoked by the API; this browser continues with the token it returns. */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    onSuccess: (res) => {
      setAccessToken(res.accessToken);
      queryClient.setQueryData(meQueryKey, res.user);
      return queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
}
