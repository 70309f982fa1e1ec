// Deskie's wire conventions: `Mon, 05 May 2014 00:15:17 +0300` dates, `{"user": {...}}`
// envelopes, lists as an object keyed "0", "1", ... plus `total_count`, and the user shape.
import { type LanguageTable, languageIdOf } from '../../../domain/languages.ts';
import { RestError } from '../../format.ts';

/** RFC 2822 dates as Deskie writes them, in UTC: `Mon, 05 May 2014 00:15:17 +0000`. */
export function deskieDate(value: string | Date): string {
  return new Date(value).toUTCString().replace(/GMT$/, '+0000');
}

/** The GraphQL selection every Deskie user shape is built from. */
export const USER = `internalId name companyName companyPosition thumbnailUrl confirmed blocked deleted createdAt updatedAt
  channel email phone whatsappPhone channelExternalId customId customChannel language customFields linkedProfiles { internalId }`;

export interface GqlUser {
  internalId: number;
  name: string;
  companyName: string | null;
  companyPosition: string | null;
  thumbnailUrl: string | null;
  confirmed: boolean;
  blocked: boolean;
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
  channel: string;
  email: string | null;
  phone: string | null;
  whatsappPhone: string | null;
  channelExternalId: string | null;
  customId: string | null;
  customChannel: string | null;
  language: string | null;
  customFields: Record<string, unknown>;
  linkedProfiles: { internalId: number }[];
}

/** Deskie's `type` per channel, and the field that carries the profile's id on that channel. */
export const CHANNELS: Record<string, { type: string; idField?: string }> = {
  EMAIL: { type: 'email' },
  PHONE: { type: 'phone' },
  WEB: { type: 'web' },
  WHATSAPP: { type: 'whatsapp' },
  TELEGRAM: { type: 'telegram', idField: 'telegram_id' },
  FACEBOOK: { type: 'facebook', idField: 'facebook_id' },
  TWITTER: { type: 'twitter', idField: 'twitter_id' },
  VIBER: { type: 'viber', idField: 'viber_id' },
  VK: { type: 'vk', idField: 'vk_id' },
  CUSTOM: { type: 'custom' },
};

/** Channel ids that are numbers (Telegram's 495582869) are sent as numbers, as Deskie does. */
const idValue = (id: string) => (/^\d{1,15}$/.test(id) ? Number(id) : id);

/** The channel's own contact field: user_email for email profiles, telegram_id for Telegram ones, ... */
function channelFields(u: GqlUser): Record<string, unknown> {
  switch (u.channel) {
    case 'EMAIL':
    case 'WEB':
      return u.email ? { user_email: u.email } : {};
    case 'PHONE':
      return u.phone ? { user_phone: u.phone } : {};
    case 'WHATSAPP':
      return { user_whatsapp_phone: u.whatsappPhone ?? u.channelExternalId ?? '' };
    case 'CUSTOM':
      return { user_custom_id: u.customId ?? '', user_custom_channel: u.customChannel ?? '' };
    default: {
      const field = CHANNELS[u.channel]?.idField;
      return field && u.channelExternalId ? { [field]: idValue(u.channelExternalId) } : {};
    }
  }
}

export function deskieUser(u: GqlUser, languages: LanguageTable) {
  return {
    user_id: u.internalId,
    user_full_name: u.name,
    company_name: u.companyName ?? '',
    company_position: u.companyPosition ?? '',
    thumbnail: u.thumbnailUrl ?? '',
    confirmed: u.confirmed,
    // Deskie's "active" is false for blocked users; soft deletion is `deleted`.
    active: !u.blocked,
    deleted: u.deleted,
    created_at: deskieDate(u.createdAt),
    updated_at: deskieDate(u.updatedAt),
    type: CHANNELS[u.channel]?.type ?? u.channel.toLowerCase(),
    ...channelFields(u),
    language_id: languageIdOf(languages, u.language),
    custom_fields: u.customFields,
    // The whole group, the user's own id included (as Deskie lists it), in id order.
    linked_users: [u.internalId, ...u.linkedProfiles.map((p) => p.internalId)].sort((a, b) => a - b),
  };
}

/** `{"0": {"user": ...}, "1": ..., "total_count": n}`: Deskie's list envelope. */
export function deskieList(users: unknown[], total: number) {
  const body: Record<string, unknown> = {};
  users.forEach((user, index) => {
    body[String(index)] = { user };
  });
  body.total_count = total;
  return body;
}

/** A language id from a request: an integer the table knows; a 400 otherwise. */
export function languageTag(value: unknown, languages: LanguageTable, field = 'language_id'): string | undefined {
  if (value === undefined) return undefined;
  const id = typeof value === 'number' ? value : /^\d{1,9}$/.test(String(value)) ? Number(value) : Number.NaN;
  const tag = languages.get(id);
  if (!tag) {
    const known = [...languages.keys()].join(', ');
    throw new RestError(400, `"${field}" must be one of the configured language ids (${known}).`);
  }
  return tag;
}

/** A positive database id from the path or the body; a 404 for the path, a 400 for the body. */
export function userId(value: unknown, field?: string): number {
  const text = String(value ?? '');
  if (/^[1-9]\d{0,9}$/.test(text) && Number(text) <= 2_147_483_647) return Number(text);
  if (field) throw new RestError(400, `"${field}" must be a user id.`);
  throw new RestError(404, 'User not found.');
}
