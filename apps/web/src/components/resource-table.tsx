import type { SxProps, Theme } from '@mui/material/styles';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import type { ReactNode } from 'react';
import { ErrorAlert } from './error-alert';
import { PageLoader } from './page-loader';

/** The part of a TanStack `useQuery` result the table reads; any `UseQueryResult` fits. */
export interface QueryState<TData> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: TData | undefined;
  refetch: () => unknown;
}

export interface ResourceColumn<TRow> {
  /** Stable key for the column. */
  id: string;
  header: ReactNode;
  cell: (row: TRow) => ReactNode;
  align?: 'left' | 'right' | 'center';
  /** Applied to the body cells (e.g. `{ whiteSpace: 'nowrap' }`). */
  sx?: SxProps<Theme>;
  /** Applied to the header cell (e.g. a minimum width). */
  headerSx?: SxProps<Theme>;
}

/** Page-based paging, with 1-based `page` as the API counts. */
export interface ResourcePagination {
  total: number;
  page: number;
  pageSize: number;
  /** Offered sizes; a single size hides the selector. Default 10, 25, 50, 100. */
  pageSizes?: readonly number[];
  onPageChange: (page: number) => void;
  onPageSizeChange?: (pageSize: number) => void;
}

export interface ResourceTableProps<TData, TRow> {
  /** A list query: loading shows a progress bar, an error the API's message, request id and Retry. */
  query: QueryState<TData>;
  /** The rows in the query's data; defaults to the data itself (for endpoints answering an array). */
  rows?: (data: TData) => readonly TRow[];
  /**
   * Columns in order. `false`/`null` entries are skipped, so role- or filter-dependent columns
   * can be written inline: `canDelete && { id: 'actions', … }`.
   */
  columns: readonly (ResourceColumn<TRow> | false | null | undefined)[];
  rowKey: (row: TRow) => string;
  /** Accessible name of the table ("Users"). */
  label: string;
  /** Shown instead of the table when there are no rows; say what to do next (an EmptyState). */
  empty: ReactNode;
  /** Title of the error alert; defaults to one derived from the error code. */
  errorTitle?: string;
  pagination?: ResourcePagination;
}

/**
 * The list pattern of every page: a query's loading, error (with the request id and a retry),
 * empty state or table, optionally paged.
 *
 * ```tsx
 * <ResourceTable query={users} rows={(d) => d.items} rowKey={(u) => u.id} label="Users"
 *   columns={[{ id: 'name', header: 'User', cell: (u) => u.username }]}
 *   empty={<EmptyState title="No users yet" description="Add one." />} />
 * ```
 */
export function ResourceTable<TData, TRow = TData extends readonly (infer R)[] ? R : never>({ query, rows, columns, rowKey, label, empty, errorTitle, pagination }: ResourceTableProps<TData, TRow>) {
  if (query.isPending) return <PageLoader />;
  if (query.isError || query.data === undefined) return <ErrorAlert error={query.error} title={errorTitle} onRetry={() => void query.refetch()} />;
  const list = rows ? rows(query.data) : (query.data as unknown as readonly TRow[]);
  if (list.length === 0 && (!pagination || pagination.page <= 1)) return <>{empty}</>;
  const shown = columns.filter((c): c is ResourceColumn<TRow> => Boolean(c));
  const sizes = pagination?.pageSizes ?? [10, 25, 50, 100];

  return (
    <>
      <TableContainer>
        <Table size="small" aria-label={label}>
          <TableHead>
            <TableRow>
              {shown.map((c) => (
                <TableCell key={c.id} align={c.align} sx={c.headerSx}>
                  {c.header}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {list.map((row) => (
              <TableRow key={rowKey(row)} hover>
                {shown.map((c) => (
                  <TableCell key={c.id} align={c.align} sx={c.sx}>
                    {c.cell(row)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      {pagination && (
        <TablePagination
          component="div"
          count={pagination.total}
          page={pagination.page - 1}
          rowsPerPage={pagination.pageSize}
          rowsPerPageOptions={[...sizes]}
          onPageChange={(_, p) => pagination.onPageChange(p + 1)}
          onRowsPerPageChange={(e) => pagination.onPageSizeChange?.(Number(e.target.value))}
        />
      )}
    </>
  );
}
