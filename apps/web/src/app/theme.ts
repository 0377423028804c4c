import { createTheme, type Theme } from '@mui/material/styles';

export type ColorMode = 'light' | 'dark';

/**
 * The one theme factory: both modes share shape, type and component defaults; only the palette
 * differs. Component defaults live here so pages don't repeat props.
 */
export function createAppTheme(mode: ColorMode): Theme {
  const dark = mode === 'dark';
  const base = createTheme({
    palette: {
      mode,
      primary: { main: dark ? '#7cb8f7' : '#1565c0' },
      secondary: { main: dark ? '#b39ddb' : '#5e35b1' },
      background: dark ? { default: '#0e1217', paper: '#151a21' } : { default: '#f4f6f9', paper: '#ffffff' },
      divider: dark ? 'rgba(255,255,255,0.10)' : 'rgba(0,0,0,0.10)',
    },
    shape: { borderRadius: 8 },
    typography: {
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
      h1: { fontSize: '1.75rem', fontWeight: 600 },
      h2: { fontSize: '1.375rem', fontWeight: 600 },
      h3: { fontSize: '1.125rem', fontWeight: 600 },
      h4: { fontSize: '1rem', fontWeight: 600 },
      button: { textTransform: 'none', fontWeight: 600 },
    },
  });
  const border = `1px solid ${base.palette.divider}`;
  return createTheme(base, {
    components: {
      MuiCssBaseline: {
        styleOverrides: { body: { fontVariantNumeric: 'tabular-nums' } },
      },
      MuiAppBar: {
        defaultProps: { elevation: 0, color: 'inherit' },
        styleOverrides: { root: { borderBottom: border, backgroundColor: base.palette.background.paper } },
      },
      MuiDrawer: { styleOverrides: { paper: { borderRight: border } } },
      MuiButton: { defaultProps: { disableElevation: true } },
      MuiCard: { defaultProps: { variant: 'outlined' } },
      MuiCardHeader: { defaultProps: { slotProps: { title: { variant: 'h3' } } } },
      MuiChip: { defaultProps: { size: 'small' } },
      MuiTextField: { defaultProps: { fullWidth: true } },
      MuiDialog: { defaultProps: { fullWidth: true, maxWidth: 'sm' } },
      MuiTooltip: { defaultProps: { arrow: true } },
      MuiListItemButton: {
        styleOverrides: { root: { borderRadius: base.shape.borderRadius, marginInline: base.spacing(1) } },
      },
      MuiTableCell: { styleOverrides: { head: { fontWeight: 600 } } },
      MuiLinearProgress: { styleOverrides: { root: { borderRadius: 4 } } },
    },
  });
}
