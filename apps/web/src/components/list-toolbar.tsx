import SearchIcon from '@mui/icons-material/Search';
import Box from '@mui/material/Box';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import type { ReactNode } from 'react';

/**
 * The row above a list: a search box (a labelled `searchbox`), optional filters as children, and
 * actions (an "Add …" button) pushed to the right.
 */
export function ListToolbar({ search, onSearch, placeholder, children, actions }: { search: string; onSearch: (v: string) => void; placeholder: string; children?: ReactNode; actions?: ReactNode }) {
  return (
    <Box sx={{ display: 'flex', gap: 2, mb: 2, flexWrap: 'wrap', alignItems: 'center' }}>
      <TextField
        size="small"
        value={search}
        onChange={(e) => onSearch(e.target.value)}
        placeholder={placeholder}
        sx={{ maxWidth: 320 }}
        slotProps={{
          htmlInput: { 'aria-label': placeholder, type: 'search' },
          input: { startAdornment: <InputAdornment position="start"><SearchIcon fontSize="small" /></InputAdornment> },
        }}
      />
      {children}
      <Box sx={{ flex: 1 }} />
      {actions}
    </Box>
  );
}
