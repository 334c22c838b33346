// Meta's Graph API versions and the day each stops answering, from developers.facebook.com/docs/graph-api/changelog/versions
// (read 2026-12-04). A version not listed with a date has none announced yet. Calls to a retired version fail, so the
// account page warns ahead of the day.

const expiries: Record<string, string> = {
  'v18.0': '2026-01-26',
  'v19.0': '2026-05-21',
  'v20.0': '2026-09-24',
  'v21.0': '2027-01-21',
  'v22.0': '2027-05-20',
  'v23.0': '2027-10-08',
  'v24.0': '2028-02-18',
  'v25.0': '2028-07-29',
};
/** Versions released and not yet given an end date. */
const current = new Set(['v26.0']);

/** How long before the end the account page starts warning. */
export const warnDaysBefore = 90;
const dayMs = 24 * 60 * 60 * 1000;

const versionNumber = (version: string) => Number(version.slice(1));

export interface VersionWarning {
  code: 'graph_api_version_expiring' | 'graph_api_version_expired' | 'graph_api_version_unknown';
  message: string;
}

/** The warning for an account on this Graph API version, or null when it has more than warnDaysBefore days left. */
export function graphApiVersionWarning(version: string, now: Date = new Date()): VersionWarning | null {
  const end = expiries[version];
  if (end) {
    const endsAt = new Date(`${end}T00:00:00Z`);
    const daysLeft = Math.ceil((endsAt.getTime() - now.getTime()) / dayMs);
    if (daysLeft <= 0) {
      return { code: 'graph_api_version_expired', message: `Graph API ${version} was retired by Meta on ${end}: sends and media downloads fail. Set a current version (graphApiVersion).` };
    }
    if (daysLeft <= warnDaysBefore) {
      return { code: 'graph_api_version_expiring', message: `Graph API ${version} is retired by Meta on ${end} (in ${daysLeft} days). Move the account to a current version (graphApiVersion) before then.` };
    }
    return null;
  }
  if (current.has(version)) return null;
  const oldestKnown = Math.min(...Object.keys(expiries).map(versionNumber));
  if (versionNumber(version) < oldestKnown) {
    return { code: 'graph_api_version_expired', message: `Graph API ${version} is retired: sends and media downloads fail. Set a current version (graphApiVersion).` };
  }
  return { code: 'graph_api_version_unknown', message: `Graph API ${version} is not a version this release of Matterline knows; check its end date with Meta.` };
}
