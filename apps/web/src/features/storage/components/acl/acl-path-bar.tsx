import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import { useState, type KeyboardEvent } from 'react';

export interface AclPathBarProps {
  /** The path shown now, relative to the dataset root ('' is the root). */
  path: string;
  /** The dataset's directory, shown before the relative path. */
  root: string;
  onOpen: (path: string) => void;
  /** The API's word on a path it refused (`query.path`). */
  error?: string;
}

const parent = (path: string) => path.split('/').slice(0, -1).join('/');
const clean = (path: string) => path.trim().replace(/^\/+|\/+$/g, '');

/** Moves the editor to a folder or file inside the dataset; the API checks the path stays inside. */
export function AclPathBar({ path, root, onOpen, error }: AclPathBarProps) {
  const [typed, setTyped] = useState(path);
  // Not a <form>: the bar sits inside the editor's form, and Enter here must not submit that.
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    onOpen(clean(typed));
  };
  return (
    <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'flex-start', mb: 2 }}>
      <TextField
        label="Path inside the dataset"
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        onKeyDown={onKey}
        size="small"
        placeholder="(dataset root)"
        error={Boolean(error)}
        helperText={error ?? `Relative to ${root}`}
        sx={{ flex: '1 1 220px' }}
      />
      <Button variant="outlined" onClick={() => onOpen(clean(typed))}>
        Open
      </Button>
      <Button
        disabled={path === ''}
        onClick={() => {
          setTyped(parent(path));
          onOpen(parent(path));
        }}
      >
        Up
      </Button>
    </Box>
  );
}
