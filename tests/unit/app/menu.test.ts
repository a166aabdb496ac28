// The application menu: the usual menus with standard roles; no developer tools in installers.
// vi.mock('electron') is the ONLY mock the project allows (Electron cannot run in CI).
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';

vi.mock('electron', () => import('./fake-electron.js'));

const { buildMenuTemplate } = await import('../../../main/app/menu.js');

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu as MenuItemConstructorOptions[]) : []),
  ]);
}

const base = { appName: 'Fieldwork', showDataFolder: () => undefined };

describe('application menu', () => {
  it.each(['linux', 'win32', 'darwin'] as const)('has File, Edit, View, Window and Help on %s', (platform) => {
    const template = buildMenuTemplate({ ...base, platform, isPackaged: true });
    const labels = template.map((m) => m.label?.replace('&', ''));
    expect(labels).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Window', 'Help']));
    expect(roles(template)).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'minimize']));
  });

  it('offers developer tools only in development builds', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      expect(roles(buildMenuTemplate({ ...base, platform, isPackaged: true }))).not.toContain('toggleDevTools');
      expect(roles(buildMenuTemplate({ ...base, platform, isPackaged: false }))).toContain('toggleDevTools');
    }
  });

  it('shows the data folder from the File menu', () => {
    let shown = 0;
    const template = buildMenuTemplate({ ...base, platform: 'linux', isPackaged: true, showDataFolder: () => (shown += 1) });
    const file = template.find((m) => m.label === '&File')?.submenu as MenuItemConstructorOptions[];
    const item = file.find((i) => i.label === 'Show Data Folder');
    (item?.click as () => void)();
    expect(shown).toBe(1);
  });
});
