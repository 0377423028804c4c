import ConstructionIcon from '@mui/icons-material/Construction';
import type { ReactNode } from 'react';
import { EmptyState } from './empty-state';

export interface NotAvailableProps {
  /** "Storage management" */
  feature: string;
  /** The API paths this page waits for, e.g. `/api/storage/pools`. */
  endpoints: readonly string[];
  /** What the page will show once the API offers it. */
  plans: ReactNode;
}

/**
 * The honest placeholder for a page whose API does not exist in this build: no invented data, just
 * what is missing and what will appear here.
 */
export function NotAvailable({ feature, endpoints, plans }: NotAvailableProps) {
  return (
    <EmptyState
      icon={<ConstructionIcon />}
      title={`${feature} is not available in this version yet`}
      description={
        <>
          This MoxNAS API does not offer {endpoints.map((e, i) => (
            <span key={e}>
              {i > 0 ? (i === endpoints.length - 1 ? ' or ' : ', ') : ''}
              <code>{e}</code>
            </span>
          ))}{' '}
          yet. {plans} Nothing needs to be done on your side; the page fills in after an upgrade.
        </>
      }
    />
  );
}
