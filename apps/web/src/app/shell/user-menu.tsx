import KeyIcon from '@mui/icons-material/Key';
import LogoutIcon from '@mui/icons-material/Logout';
import PhonelinkLockIcon from '@mui/icons-material/PhonelinkLock';
import Avatar from '@mui/material/Avatar';
import Box from '@mui/material/Box';
import Divider from '@mui/material/Divider';
import IconButton from '@mui/material/IconButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { lazy, Suspense, useState } from 'react';
import { useLogout, useUser } from '../../lib/auth';

// The form (react-hook-form, resolver, text fields) loads only when the dialog opens.
const ChangePasswordDialog = lazy(() => import('../../features/auth/change-password-dialog').then((m) => ({ default: m.ChangePasswordDialog })));
const TotpDialog = lazy(() => import('../../features/auth/totp-dialog').then((m) => ({ default: m.TotpDialog })));

export function UserMenu() {
  const user = useUser();
  const logout = useLogout();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [changing, setChanging] = useState(false);
  const [totp, setTotp] = useState(false);
  const name = user.fullName || user.username;
  return (
    <>
      <Tooltip title="Account">
        <IconButton aria-label={`Account: ${user.username}`} aria-haspopup="menu" onClick={(e) => setAnchor(e.currentTarget)}>
          <Avatar sx={{ width: 32, height: 32, fontSize: 14, bgcolor: 'primary.main' }}>{name.slice(0, 1).toUpperCase()}</Avatar>
        </IconButton>
      </Tooltip>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        <Box sx={{ px: 2, py: 1 }}>
          <Typography variant="subtitle2">{name}</Typography>
          <Typography variant="caption" sx={{ color: 'text.secondary' }}>
            {user.username} · {user.role}
          </Typography>
        </Box>
        <Divider />
        {user.authMethod === 'session' && (
          <MenuItem
            onClick={() => {
              setAnchor(null);
              setChanging(true);
            }}
          >
            <ListItemIcon>
              <KeyIcon fontSize="small" />
            </ListItemIcon>
            <ListItemText>Change password</ListItemText>
          </MenuItem>
        )}
        {user.authMethod === 'session' && (
          <MenuItem
            onClick={() => {
              setAnchor(null);
              setTotp(true);
            }}
          >
            <ListItemIcon>
              <PhonelinkLockIcon fontSize="small" />
            </ListItemIcon>
            <ListItemText secondary={user.totpEnabled ? 'On' : 'Off'}>Two-factor authentication</ListItemText>
          </MenuItem>
        )}
        <MenuItem
          disabled={logout.isPending}
          onClick={() => {
            setAnchor(null);
            logout.mutate();
          }}
        >
          <ListItemIcon>
            <LogoutIcon fontSize="small" />
          </ListItemIcon>
          <ListItemText>Log out</ListItemText>
        </MenuItem>
      </Menu>
      {changing && (
        <Suspense fallback={null}>
          <ChangePasswordDialog onClose={() => setChanging(false)} />
        </Suspense>
      )}
      {totp && (
        <Suspense fallback={null}>
          <TotpDialog onClose={() => setTotp(false)} />
        </Suspense>
      )}
    </>
  );
}
