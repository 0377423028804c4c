import { ThemeProvider } from '@mui/material/styles';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createAppTheme } from '../app/theme';
import { ApiError } from '../lib/api-client';
import { ErrorAlert } from './error-alert';

const renderAlert = (error: unknown) =>
  render(
    <ThemeProvider theme={createAppTheme('light')}>
      <ErrorAlert error={error} />
    </ThemeProvider>,
  );

describe('ErrorAlert', () => {
  it("shows the API's message and the request id", () => {
    renderAlert(new ApiError({ status: 409, code: 'CONFLICT', message: 'The share name “media” is taken.', requestId: 'req-7f3a' }));
    expect(screen.getByRole('alert').textContent).toContain('The share name “media” is taken.');
    expect(screen.getByText('Conflict')).toBeTruthy();
    expect(screen.getByTestId('request-id').textContent).toBe('req-7f3a');
    expect(screen.getByRole('button', { name: 'Copy request ID' })).toBeTruthy();
  });

  it('lists field errors that belong to no form field', () => {
    renderAlert(
      new ApiError({ status: 422, code: 'VALIDATION_FAILED', message: 'Input failed validation.', requestId: 'r1', fieldErrors: [{ field: 'clients.0.host', message: 'is not a host' }] }),
    );
    expect(screen.getByRole('alert').textContent).toContain('clients.0.host: is not a host');
  });

  it('says why there is no request id when the API was not reached', () => {
    renderAlert(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'Cannot reach the MoxNAS API.', requestId: null }));
    expect(screen.getByRole('alert').textContent).toContain('No request ID: the request did not reach the API.');
  });

  it('shows a browser-side error by its message', () => {
    renderAlert(new Error('Something broke in the page'));
    expect(screen.getByRole('alert').textContent).toContain('Something broke in the page');
    expect(screen.queryByTestId('request-id')).toBeNull();
  });
});
