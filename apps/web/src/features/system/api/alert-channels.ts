import { alertChannelsApi, type AlertChannel, type CreateAlertChannel, type UpdateAlertChannel } from '@moxnas/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { call } from '../../../lib/api-client';

export type ChannelInput = z.input<typeof CreateAlertChannel>;
const key = ['alert-channels'] as const;

export const channelsQueryOptions = () => queryOptions({ queryKey: key, queryFn: ({ signal }) => call(alertChannelsApi.list, { signal }) });
export const useChannels = (enabled = true) => useQuery({ ...channelsQueryOptions(), enabled });

export function useCreateChannel() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (body: ChannelInput) => call(alertChannelsApi.create, { body }), onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

/** The channel as an update body: a full replacement in which omitted secrets are kept. */
export function asUpdate(c: AlertChannel, patch: Partial<Pick<AlertChannel, 'enabled'>>): z.input<typeof UpdateAlertChannel> {
  const base = { name: c.name, enabled: patch.enabled ?? c.enabled, minSeverity: c.minSeverity };
  if (c.type === 'webhook' && c.webhook) return { ...base, type: 'webhook', webhook: { url: c.webhook.url, timeoutSeconds: c.webhook.timeoutSeconds } };
  const e = c.email;
  if (!e) throw new Error(`Channel ${c.name} has no settings`);
  return { ...base, type: 'email', email: { host: e.host, port: e.port, security: e.security, username: e.username, rejectUnauthorized: e.rejectUnauthorized, from: e.from, to: e.to } };
}

export function useUpdateChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: z.input<typeof UpdateAlertChannel> }) => call(alertChannelsApi.update, { params: { id }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useRemoveChannel() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: string) => call(alertChannelsApi.remove, { params: { id } }), onSuccess: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export function useTestChannel() {
  return useMutation({ mutationFn: (id: string) => call(alertChannelsApi.test, { params: { id } }) });
}
