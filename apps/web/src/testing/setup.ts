import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// A shared 2-core box under parallel test files: lazy chunks and MUI renders can take seconds.
configure({ asyncUtilTimeout: 5_000 });

// jsdom has no matchMedia; MUI's useMediaQuery asks it for breakpoints and the OS colour scheme.
if (!window.matchMedia) {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string): MediaQueryList => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }),
  });
}

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});
