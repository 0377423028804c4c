import { systemApi, type ConfigDocument, type ConfigExportRequest } from '@moxnas/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

export const exportConfig = (body: ConfigExportRequest) => call(systemApi.configExport, { body });

export function useExportConfig() {
  return useMutation({ mutationFn: exportConfig });
}

export const importConfig = ({ document, passphrase, dryRun }: { document: ConfigDocument; passphrase: string; dryRun: boolean }) =>
  call(systemApi.configImport, { body: { document, passphrase }, query: { dryRun: dryRun ? 'true' : 'false' } });

export function useImportConfig() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: importConfig,
    // A real import can change any part of the desired state.
    onSuccess: (result) => (result.applied ? queryClient.invalidateQueries() : undefined),
  });
}
