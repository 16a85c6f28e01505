import type { BotDeps } from './deps.js';

/** Names of wijkteams for cards, from the stored table. */
export async function wijkteamNamer(deps: BotDeps): Promise<(id: string) => string> {
  const map = await deps.settings.districtMap();
  return (id) => map?.wijkteam(id)?.name ?? id;
}
