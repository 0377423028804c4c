import { useState } from 'react';
import type { ResourcePagination } from '../components/resource-table';
import { useDebouncedValue } from './use-debounced-value';

/** A list's filters by name; a text filter's value is what the user typed. */
export type ListFilters = Record<string, string | undefined>;

export interface PagedListOptions<F extends ListFilters> {
  /** The filters typed into search boxes: trimmed and debounced before they reach the query. */
  texts?: readonly (keyof F & string)[];
}

/**
 * Page, page size and filters of one server-side list, as the list endpoints take them. Changing a
 * filter or the page size goes back to page 1; an empty text filter is no filter.
 *
 * ```tsx
 * const list = usePagedList<{ search: string; role: Role }>({ texts: ['search'] });
 * const users = useUsers(list.params);
 * <ResourceTable query={users} pagination={list.pagination(users.data?.total)} … />
 * ```
 */
export function usePagedList<F extends ListFilters>({ texts = [] }: PagedListOptions<F> = {}) {
  const [values, setValues] = useState<Partial<F>>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  // One debounce for all text filters; a string keeps the debounced value stable between renders.
  const typed = useDebouncedValue(JSON.stringify(texts.map((k) => values[k]?.trim() ?? '')));
  const debounced = JSON.parse(typed) as string[];
  const filters: Partial<F> = { ...values };
  texts.forEach((k, i) => {
    filters[k] = (debounced[i] || undefined) as F[typeof k];
  });

  return {
    /** What the inputs show (text filters as typed). */
    values,
    /** The query's filters and paging. */
    params: { page, pageSize, ...filters },
    /** Whether any filter narrows the list (an empty state then says "no match", not "none yet"). */
    filtered: Object.values(filters).some(Boolean),
    setFilter: <K extends keyof F>(key: K, value: F[K] | undefined) => {
      setValues((v) => ({ ...v, [key]: value }));
      setPage(1);
    },
    clear: () => {
      setValues({});
      setPage(1);
    },
    /** Back to page 1, for changes the hook does not hold (a sort order). */
    firstPage: () => setPage(1),
    /** The table's paging once the query has answered with its total. */
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

export type PagedList<F extends ListFilters> = ReturnType<typeof usePagedList<F>>;
