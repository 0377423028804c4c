import TableSortLabel from '@mui/material/TableSortLabel';
import { useState, type ReactNode } from 'react';
import { FilterSelect } from '../../../components/filter-select';
import { ListToolbar } from '../../../components/list-toolbar';
import { usePagedList } from '../../../lib/use-paged-list';
import type { SharesFilter } from '../api/shares';

type Enabled = 'true' | 'false';

/** Paging, search, enabled filter and sort of one share list, as the list endpoints take them. */
export function useShareList<S extends string>(defaultSort: S) {
  const list = usePagedList<{ search: string; enabled: Enabled }>({ texts: ['search'] });
  const [sort, setSortField] = useState<S>(defaultSort);
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const filter: SharesFilter & { sort: S } = { ...list.params, sort, order };

  return {
    filter,
    search: list.values.search ?? '',
    filtered: list.filtered,
    setSearch: (v: string) => list.setFilter('search', v),
    setEnabled: (v: Enabled | undefined) => list.setFilter('enabled', v),
    clear: list.clear,
    /** A click on the sorted column flips the order; on another column sorts by it ascending. */
    sortBy: (field: S) => {
      if (field === sort) setOrder(order === 'asc' ? 'desc' : 'asc');
      else {
        setSortField(field);
        setOrder('asc');
      }
      list.firstPage();
    },
    pagination: list.pagination,
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
