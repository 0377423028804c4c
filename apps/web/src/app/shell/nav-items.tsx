import DashboardIcon from '@mui/icons-material/Dashboard';
import DnsIcon from '@mui/icons-material/Dns';
import FolderSharedIcon from '@mui/icons-material/FolderShared';
import LanIcon from '@mui/icons-material/Lan';
import PeopleIcon from '@mui/icons-material/People';
import SettingsIcon from '@mui/icons-material/Settings';
import StorageIcon from '@mui/icons-material/Storage';
import type { ReactElement } from 'react';

export interface NavItem {
  label: string;
  to: string;
  icon: ReactElement;
}

export const navItems: readonly NavItem[] = [
  { label: 'Dashboard', to: '/', icon: <DashboardIcon /> },
  { label: 'Storage', to: '/storage', icon: <StorageIcon /> },
  { label: 'Shares', to: '/shares', icon: <FolderSharedIcon /> },
  { label: 'Users', to: '/users', icon: <PeopleIcon /> },
  { label: 'Services', to: '/services', icon: <DnsIcon /> },
  { label: 'Network', to: '/network', icon: <LanIcon /> },
  { label: 'System', to: '/system', icon: <SettingsIcon /> },
];
