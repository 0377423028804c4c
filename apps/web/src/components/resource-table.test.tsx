import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api-client';
import { adminUser, renderPage } from '../testing/render';
import { ResourceTable, type QueryState } from './resource-table';

interface Row {
  id: string;
  name: string;
}
const state = (patch: Partial<QueryState<{ items: Row[]; total: number }>>): QueryState<{ items: Row[]; total: number }> => ({
  isPending: false,
  isError: false,
  error: null,
  data: undefined,
  refetch: vi.fn(),
  ...patch,
});

function renderTable(query: QueryState<{ items: Row[]; total: number }>, showSecret = false) {
  return renderPage(
    <ResourceTable
      query={query}
      rows={(d) => d.items}
      rowKey={(r) => r.id}
      label="Things"
      empty={<p>Nothing here: add one</p>}
      columns={[{ id: 'name', header: 'Name', cell: (r) => r.name }, showSecret && { id: 'secret', header: 'Secret', cell: () => 'shh' }]}
    />,
    { user: adminUser },
  );
}

describe('ResourceTable', () => {
  it('shows a progress bar while loading', async () => {
    renderTable(state({ isPending: true }));
    expect(await screen.findByRole('progressbar', { name: 'Loading' })).toBeTruthy();
  });

  it('shows the API error with its request id and retries on demand', async () => {
    const query = state({ isError: true, error: new ApiError({ status: 500, code: 'INTERNAL', message: 'Database down.', requestId: 'req-rt-1' }) });
    const user = userEvent.setup();
    renderTable(query);
    expect((await screen.findByRole('alert')).textContent).toContain('Database down.');
    expect(screen.getByTestId('request-id').textContent).toBe('req-rt-1');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(query.refetch).toHaveBeenCalledTimes(1);
  });

  it('shows the empty state instead of an empty table', async () => {
    renderTable(state({ data: { items: [], total: 0 } }));
    expect(await screen.findByText('Nothing here: add one')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('renders one row per item and leaves out columns given as false', async () => {
    renderTable(state({ data: { items: [{ id: '1', name: 'alpha' }, { id: '2', name: 'beta' }], total: 2 } }));
    const table = await screen.findByRole('table', { name: 'Things' });
    expect(table.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(table.textContent).toContain('beta');
    expect(screen.queryByText('Secret')).toBeNull();
  });
});
