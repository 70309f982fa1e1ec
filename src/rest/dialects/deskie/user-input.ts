// Deskie's `user` request objects as CreateCustomerInput / UpdateCustomerInput fields, and the
// GraphQL field paths of user errors back in Deskie's names.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { LanguageTable } from '../../../domain/languages.ts';
import { RestError } from '../../format.ts';
import { CHANNELS, languageTag } from './format.ts';

export const userErrors = 'userErrors { message field code }';
export const customerId = (id: number) => encodeGlobalID('Customer', String(id));

/** Deskie's request fields and the GraphQL input fields they set. */
const TEXT_FIELDS: Record<string, string> = {
  user_email: 'email',
  user_full_name: 'fullName',
  company_name: 'companyName',
  company_position: 'companyPosition',
  user_note: 'note',
  user_phone: 'phone',
  user_whatsapp_phone: 'whatsappPhone',
  user_custom_id: 'customId',
  user_custom_channel: 'customChannel',
};
/** Channel id fields (`telegram_id`, ...) and their channel. */
const ID_FIELDS = Object.fromEntries(
  Object.entries(CHANNELS)
    .filter(([, c]) => c.idField)
    .map(([channel, c]) => [c.idField!, channel]),
);
/** What Deskie answers but a client may send back (a read-modify-write): ignored, as Deskie does. */
const READ_ONLY = new Set([
  'user_id',
  'thumbnail',
  'confirmed',
  'active',
  'deleted',
  'created_at',
  'updated_at',
  'password',
  'type',
  'linked_users',
]);

export function textValue(value: unknown, field: string): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new RestError(400, `"${field}" must be a string.`);
}

/** The `user` object of a request body. */
export function userObject(body: Record<string, unknown>): Record<string, unknown> {
  const user = body.user;
  if (!user || typeof user !== 'object' || Array.isArray(user))
    throw new RestError(400, 'The body must be {"user": {...}}.');
  return user as Record<string, unknown>;
}

/** A Deskie `user` object as CreateCustomerInput / UpdateCustomerInput fields. */
export function customerInput(user: Record<string, unknown>, languages: LanguageTable, creating: boolean) {
  const input: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(user)) {
    if (READ_ONLY.has(field)) continue;
    if (TEXT_FIELDS[field]) input[TEXT_FIELDS[field]] = textValue(value, field);
    else if (ID_FIELDS[field]) {
      input.channel = ID_FIELDS[field];
      input.channelExternalId = textValue(value, field);
    } else if (field === 'language_id') input.language = value === null ? null : languageTag(value, languages);
    else if (field === 'custom_fields') {
      if (value !== null && (typeof value !== 'object' || Array.isArray(value)))
        throw new RestError(400, '"custom_fields" must be an object such as {"cf_20": "some data"}.');
      input.customFields = value;
    } else throw new RestError(400, `User does not have a "${field}" field.`);
  }
  // A Deskie profile's channel is implied by the contact it is created with.
  if (creating && !input.channel) {
    input.channel =
      input.customId || input.customChannel
        ? 'CUSTOM'
        : input.email
          ? 'EMAIL'
          : input.whatsappPhone
            ? 'WHATSAPP'
            : input.phone
              ? 'PHONE'
              : undefined;
  }
  return input;
}

/** GraphQL field paths (`customFields.cf_20`) back in Deskie's names (`custom_fields.cf_20`). */
export function deskieField(path: string[]) {
  const names = Object.fromEntries([
    ...Object.entries(TEXT_FIELDS).map(([deskie, ours]) => [ours, deskie]),
    ['language', 'language_id'],
    ['customFields', 'custom_fields'],
    ['channelExternalId', 'channel id'],
    ['firstName', 'user_full_name'],
    ['lastName', 'user_full_name'],
    ['with', 'user_email'],
    ['profile', 'user_id'],
  ]);
  return [names[path[0]!] ?? path[0]!, ...path.slice(1)].join('.');
}
