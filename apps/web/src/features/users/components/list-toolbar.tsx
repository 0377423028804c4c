import SearchIcon from '@mui/icons-material/Search';
import Box from '@mui/material/Box';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import type { ReactNode } from 'react';

export function ListToolbar({ search, onSearch, placeholder, children, actions }: { search: string; onSearch: (v: string) => void; placeholder: string; children?: ReactNode; actions?: ReactNode }) {
  return (
    <Box sx={{ display: 'flex', gap: 2, mb: 2, flexWrap: 'wrap', alignItems: 'center' }}>
      <TextField
        size="small"
        value={search}
        onChange={(e) => onSearch(e.target.value)}
        placeholder={placeholder}
        aria-label={placeholder}
        sx={{ maxWidth: 320 }}
        slotProps={{ input: { startAdornment: <InputAdornment position="start"><SearchIcon fontSize="small" /></InputAdornment> } }}
      />
      {children}
      <Box sx={{ flex: 1 }} />
      {actions}
    </Box>
  );
}
