import { z } from 'zod';

/** One row of the coordinator-maintained table: postcode (4 digits) → wijk → wijkteam. */
export const DistrictRowSchema = z.object({
  postcode4: z.string().regex(/^[1-9]\d{3}$/, 'postcode4 must be 4 digits'),
  district: z.string().trim().min(1).max(100),
  wijkteamId: z.string().trim().regex(/^[a-z0-9-]{2,60}$/, 'wijkteam_id: lowercase letters, digits and dashes'),
  wijkteamName: z.string().trim().min(1).max(100),
});

export type DistrictRow = z.infer<typeof DistrictRowSchema>;

export interface Wijkteam {
  id: string;
  name: string;
}

/** The postcode → wijkteam table. */
export class DistrictMap {
  private readonly byPostcode: Map<string, DistrictRow>;
  constructor(readonly rows: DistrictRow[]) {
    this.byPostcode = new Map(rows.map((r) => [r.postcode4, r]));
  }

  /** The wijkteam of the wijk where the pupil lives, or undefined when the postcode is not mapped. */
  route(postcode: string): { wijkteamId: string; district: string } | undefined {
    const row = this.byPostcode.get(postcode.replace(/\s+/g, '').slice(0, 4));
    return row ? { wijkteamId: row.wijkteamId, district: row.district } : undefined;
  }

  wijkteams(): Wijkteam[] {
    const seen = new Map<string, string>();
    for (const r of this.rows) if (!seen.has(r.wijkteamId)) seen.set(r.wijkteamId, r.wijkteamName);
    return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  }

  wijkteam(idOrName: string): Wijkteam | undefined {
    const key = idOrName.trim().toLowerCase();
    return this.wijkteams().find((w) => w.id === key || w.name.toLowerCase() === key || w.name.toLowerCase() === `wijkteam ${key}`);
  }
}

export type TableCheck = { ok: true; rows: DistrictRow[] } | { ok: false; problems: string[] };

/**
 * Validates parsed table records (header names as in the CSV). Reports every bad line and
 * duplicate postcodes, so a coordinator can fix the file in one go.
 */
export function checkDistrictRows(records: Record<string, string>[]): TableCheck {
  const problems: string[] = [];
  const rows: DistrictRow[] = [];
  const seen = new Map<string, number>();
  records.forEach((rec, i) => {
    const line = i + 2; // header is line 1
    const parsed = DistrictRowSchema.safeParse({ postcode4: rec.postcode4, district: rec.wijk, wijkteamId: rec.wijkteam_id, wijkteamName: rec.wijkteam_naam });
    if (!parsed.success) {
      problems.push(`regel ${line}: ${parsed.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
      return;
    }
    const earlier = seen.get(parsed.data.postcode4);
    if (earlier) problems.push(`regel ${line}: postcode ${parsed.data.postcode4} staat ook op regel ${earlier}`);
    seen.set(parsed.data.postcode4, line);
    rows.push(parsed.data);
  });
  if (records.length === 0) problems.push('de tabel is leeg');
  return problems.length ? { ok: false, problems } : { ok: true, rows };
}

/** The wijkteam a referral goes to: the SMW'er's choice when it is a known wijkteam, else the postcode's. */
export function chooseWijkteam(
  map: Pick<DistrictMap, 'route' | 'wijkteams'> | undefined,
  postcode: string | undefined,
  chosen: string | undefined,
): { wijkteamId: string | undefined; source: 'postcode' | 'manual'; district?: string } {
  const routed = postcode ? map?.route(postcode) : undefined;
  const wijkteamId = chosen && map?.wijkteams().some((w) => w.id === chosen) ? chosen : routed?.wijkteamId;
  const byPostcode = wijkteamId === routed?.wijkteamId;
  return { wijkteamId, source: byPostcode ? 'postcode' : 'manual', ...(byPostcode && routed ? { district: routed.district } : {}) };
}
