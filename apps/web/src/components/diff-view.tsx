import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';

/** A unified diff, coloured by line: additions green, removals red, hunk headers dimmed. */
export function DiffView({ diff, path }: { diff: string; path?: string }) {
  if (!diff.trim()) {
    return (
      <Typography variant="body2" sx={{ color: 'text.secondary' }}>
        {path ? `${path}: no changes.` : 'No changes.'}
      </Typography>
    );
  }
  return (
    <Box
      component="pre"
      aria-label={path ? `Changes to ${path}` : 'Changes'}
      sx={{ m: 0, p: 1.5, fontSize: 12, lineHeight: 1.5, overflow: 'auto', maxHeight: 420, bgcolor: 'action.hover', borderRadius: 1 }}
    >
      {diff.split('\n').map((line, i) => {
        const color = line.startsWith('+++') || line.startsWith('---') ? 'text.secondary' : line.startsWith('+') ? 'success.main' : line.startsWith('-') ? 'error.main' : line.startsWith('@@') ? 'info.main' : 'text.primary';
        return (
          <Box component="span" key={i} sx={{ display: 'block', color }}>
            {line || ' '}
          </Box>
        );
      })}
    </Box>
  );
}
