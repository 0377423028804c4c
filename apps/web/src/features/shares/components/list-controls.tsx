import TableSortLabel from '@mui/material/TableSortLabel';
import { useState, type ReactNode } from 'react';
import { FilterSelect } from '../../../components/filter-select';
import { ListToolbar } from '../../../components/list-toolbar';
import type { ResourcePagination } from '../../../components/resource-table';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import type { SharesFilter } from '../api/shares';

type Enabled = 'true' | 'false';

/** Paging, search, enabled filter and sort of one share list, as the list endpoints take them. */
export function useShareList<S extends string>(defaultSort: S) {
  const [search, setSearchText] = useState('');
  const [enabled, setEnabledState] = useState<Enabled | undefined>();
  const [sort, setSortField] = useState<S>(defaultSort);
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const debounced = useDebouncedValue(search.trim());
  const filter: SharesFilter & { sort: S } = { page, pageSize, search: debounced || undefined, enabled, sort, order };

  return {
    filter,
    search,
    filtered: Boolean(debounced || enabled),
    setSearch: (v: string) => {
      setSearchText(v);
      setPage(1);
    },
    setEnabled: (v: Enabled | undefined) => {
      setEnabledState(v);
      setPage(1);
    },
    clear: () => {
      setSearchText('');
      setEnabledState(undefined);
      setPage(1);
    },
    /** A click on the sorted column flips the order; on another column sorts by it ascending. */
    sortBy: (field: S) => {
      if (field === sort) setOrder(order === 'asc' ? 'desc' : 'asc');
      else {
        setSortField(field);
        setOrder('asc');
      }
      setPage(1);
    },
    pagination: (total: number | undefined): ResourcePagination | undefined =>
      total === undefined
        ? undefined
        : {
            total,
            page,
            pageSize,
            onPageChange: setPage,
            onPageSizeChange: (size) => {
              setPageSize(size);
              setPage(1);
            },
          },
  };
}

export type ShareList<S extends string> = ReturnType<typeof useShareList<S>>;

/** A column header that sorts the server-side list. */
export function SortHeader<S extends string>({ list, field, children }: { list: ShareList<S>; field: S; children: ReactNode }) {
  const active = list.filter.sort === field;
  return (
    <TableSortLabel active={active} direction={active ? list.filter.order : 'asc'} onClick={() => list.sortBy(field)}>
      {children}
    </TableSortLabel>
  );
}

export function ShareListToolbar<S extends string>({ list, placeholder, actions }: { list: ShareList<S>; placeholder: string; actions?: ReactNode }) {
  return (
    <ListToolbar search={list.search} onSearch={list.setSearch} placeholder={placeholder} actions={actions}>
      <FilterSelect
        label="Status"
        value={list.filter.enabled}
        options={[
          { value: 'true', label: 'Enabled' },
          { value: 'false', label: 'Disabled' },
        ]}
        allLabel="All"
        onChange={list.setEnabled}
        width={150}
      />
    </ListToolbar>
  );
}
