import { VERBS } from '../../cards/verbs.js';
import { botAddedToTeam, cardAction, channelMessage, installationUpdate, makeUser, message, type TeamsUser } from './activities.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One request of a fuzz run: a JSON body (or raw text, for bad JSON). */
export type FuzzCase = { kind: string; body: string };

const COMMANDS = ['help', 'aanmelden', 'mijn casussen', 'concepten', 'e-mails', 'koppel wijkteam Feijenoord', 'koppel coördinatoren', 'wijkindeling', 'tijdreis 3', 'exporteer AM-000000', 'wis AM-000000', 'afsluiten AM-000000', 'toestemming AM-000000', ''];
const INVOKES = ['adaptiveCard/action', 'task/fetch', 'task/submit', 'composeExtension/query', 'composeExtension/submitAction', 'composeExtension/queryLink', 'signin/verifyState', 'fileConsent/invoke', 'actionableMessage/executeAction', 'config/fetch', 'message/submitAction', 'handoff/action', 'x/y'];
const TYPES = ['message', 'invoke', 'conversationUpdate', 'installationUpdate', 'messageReaction', 'event', 'typing', 'endOfConversation', 'weird', 'message/../x'];

/**
 * Generates Teams-shaped activities and card payloads, then breaks them: wrong types, missing
 * fields, huge strings, unknown invokes, random verbs with random data, bad JSON.
 */
export function fuzzer(seed: number, serviceUrl: string) {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const users: TeamsUser[] = Array.from({ length: 24 }, (_, i) => makeUser(`Fuzz ${i}`, { aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
  const team = { id: '19:fuzz-team@thread.tacv2', name: 'Fuzz' };

  const hex = (n: number) => Array.from({ length: n }, () => int(16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
  const str = (): string => {
    switch (int(8)) {
      case 0:
        return '';
      case 1:
        return 'x'.repeat(int(3) === 0 ? 300_000 : int(5_000));
      case 2:
        return '\u0000\uffff\ud800"\\<at>{{${x}}}</at>';
      case 3:
        return uuid();
      case 4:
        return 'AM-' + int(1e6).toString(36).toUpperCase();
      default:
        return rnd().toString(36).slice(2, 2 + int(12));
    }
  };
  const value = (depth = 0): unknown => {
    switch (int(depth > 3 ? 6 : 9)) {
      case 0:
        return null;
      case 1:
        return rnd() < 0.5;
      case 2:
        return int(1e9) - 5e8;
      case 3:
        return rnd() * 1e308;
      case 4:
      case 5:
        return str();
      case 6:
        return Array.from({ length: int(5) }, () => value(depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: int(6) }, () => [pick(['referralId', 'version', 'section', 'verb', 'data', 'action', 'x', '__proto__', 'constructor', str().slice(0, 20)]), value(depth + 1)]));
    }
  };
  const verbData = (): Record<string, unknown> => {
    const data: Record<string, unknown> = { referralId: rnd() < 0.7 ? uuid() : value(), version: rnd() < 0.7 ? int(5) : value() };
    for (let i = int(6); i > 0; i--) data[pick(['section', 'school', 'firstNames', 'reason', 'gender', 'wijkteamId', 'note', 'date', 'parent0Email', str().slice(0, 16)])] = value();
    return data;
  };

  function base(): Record<string, unknown> {
    const user = pick(users);
    switch (int(6)) {
      case 0:
        return message(user, pick(COMMANDS) + (rnd() < 0.3 ? ` ${str().slice(0, 200)}` : ''), serviceUrl);
      case 1:
        return installationUpdate(user, serviceUrl, rnd() < 0.8 ? 'add' : 'remove');
      case 2:
        return botAddedToTeam(user, serviceUrl, team);
      case 3:
        return channelMessage(user, pick(COMMANDS), serviceUrl, team, '19:fuzz-channel@thread.tacv2');
      default: {
        const verb = rnd() < 0.7 ? pick(Object.values(VERBS)) : str().slice(0, 40);
        const a: Record<string, unknown> = cardAction(user, verb, verbData(), serviceUrl, { trigger: rnd() < 0.1 ? 'automatic' : 'manual' });
        if (rnd() < 0.2) a.name = pick(INVOKES);
        if (rnd() < 0.1) a.value = value();
        return a;
      }
    }
  }

  function mutate(a: Record<string, unknown>): void {
    const keys = ['type', 'id', 'name', 'serviceUrl', 'channelId', 'from', 'recipient', 'conversation', 'locale', 'text', 'value', 'channelData', 'entities', 'replyToId', 'membersAdded', 'timestamp', 'action', 'attachments'];
    for (let i = int(3); i > 0; i--) {
      const key = pick(keys);
      switch (int(5)) {
        case 0:
          delete a[key];
          break;
        case 1:
          a[key] = value();
          break;
        case 2:
          if (a[key] && typeof a[key] === 'object') (a[key] as Record<string, unknown>)[pick(['id', 'aadObjectId', 'tenantId', 'conversationType', 'name', 'tenant', 'team'])] = value();
          break;
        case 3:
          a.type = pick(TYPES);
          break;
        default:
          a.serviceUrl = pick([serviceUrl, 'http://evil.example/', 'http://127.0.0.1:1/', 'https://smba.trafficmanager.net/emea/', 'javascript:alert(1)', '']);
      }
    }
  }

  return function next(): FuzzCase {
    const roll = rnd();
    if (roll < 0.03) return { kind: 'badJson', body: pick(['{', '{"type":', 'null', '[]', '42', '"x"', '{"a":1}}', '\u0000']) };
    const a = base();
    if (roll < 0.85) mutate(a);
    return { kind: String(a.type), body: JSON.stringify(a) };
  };
}

/** Posts a case to the bot; returns the status. */
export async function fire(url: string, c: FuzzCase): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: c.body });
  await res.arrayBuffer();
  return res.status;
}
