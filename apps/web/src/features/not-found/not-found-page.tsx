import SearchOffIcon from '@mui/icons-material/SearchOff';
import Button from '@mui/material/Button';
import { Link as RouterLink, useLocation } from 'react-router';
import { EmptyState } from '../../components/empty-state';

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <EmptyState
      icon={<SearchOffIcon />}
      title="Page not found"
      description={`There is no page at ${pathname}. Use the navigation, or go back to the dashboard.`}
      action={
        <Button component={RouterLink} to="/" variant="contained">
          Go to the dashboard
        </Button>
      }
    />
  );
}
