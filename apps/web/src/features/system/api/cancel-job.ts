import { jobsApi } from '@moxnas/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

export const cancelJob = (id: string) => call(jobsApi.cancel, { params: { id } });

export function useCancelJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelJob,
    onSuccess: (job) => {
      queryClient.setQueryData(['jobs', 'detail', job.id], job);
      return queryClient.invalidateQueries({ queryKey: ['jobs'] });
    },
  });
}
