import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import windowsZones from 'cldr-core/supplemental/windowsZones.json' with { type: 'json' };
import { windowsZonesModule, windowsZonesModulePath } from '../../infra/build-windows-zones.ts';
import { ianaForWindowsZone } from '../../shared/import/windows-zones.ts';

describe("the bundled Windows zones (CLDR's golden zones, generated from cldr-core)", () => {
  it('are what infra/build-windows-zones.ts makes from the installed cldr-core (run it after updating cldr-core)', () => {
    expect(readFileSync(windowsZonesModulePath, 'utf8')).toBe(windowsZonesModule());
  });

  it('map every Windows name of the package to its "001" zone, whatever the case', () => {
    const golden = windowsZones.supplemental.windowsZones.mapTimezones.filter(({ mapZone }) => mapZone._territory === '001');
    expect(golden.length).toBeGreaterThan(100);
    for (const { mapZone } of golden) {
      expect(ianaForWindowsZone(mapZone._other)).toBe(mapZone._type.split(' ')[0]);
      expect(ianaForWindowsZone(mapZone._other.toUpperCase())).toBe(mapZone._type.split(' ')[0]);
    }
  });
});
