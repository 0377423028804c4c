import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import type { Writability } from '@moxnas/contracts';

/** Why a setting is read-only here (usually: the Proxmox host owns the file), and how to change that. */
export function ReadOnlyNotice({ access }: { access: Writability }) {
  if (access.writable) return null;
  return (
    <Alert severity="info" sx={{ mt: 2 }}>
      {access.reason ?? `MoxNAS does not manage ${access.path} here.`}
      {access.fix && (
        <Box component="pre" sx={{ m: 0, mt: 1, p: 1, bgcolor: 'action.hover', borderRadius: 1, fontSize: 12, whiteSpace: 'pre-wrap', userSelect: 'all' }}>
          {access.fix}
        </Box>
      )}
    </Alert>
  );
}
