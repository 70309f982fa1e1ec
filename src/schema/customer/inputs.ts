// The inputs of the customer mutations.
import { builder, type InputFieldBuilder } from '../../builder.ts';
import { KEY_MAX, maxLength, PHONE_MAX, SHORT_TEXT_MAX, URL_MAX } from '../input-limits.ts';
import { CustomerChannel, CustomFieldType } from './enums.ts';
import { CustomerLocator } from './locators.ts';
import { Customer } from './type.ts';

const profileFields = (t: InputFieldBuilder) => ({
  email: t.field({
    type: 'EmailAddress',
    description: 'Email address (unique). Only agents change it; a customer may send only their current one.',
  }),
  firstName: t.string({ description: 'First name.' }),
  lastName: t.string({ description: 'Last name.' }),
  fullName: t.string({ description: 'Full name in one field (Deskie style); split into first and last name.' }),
  phone: t.string({ description: 'Phone number.' }),
  whatsappPhone: t.string({ description: 'WhatsApp phone number.' }),
  companyName: t.string({ description: 'Company.' }),
  companyPosition: t.string({ description: 'Position in the company.' }),
  note: t.string({ description: 'Internal note (agents only).' }),
  language: t.field({ type: 'Locale', description: 'Preferred language, a BCP 47 tag such as `en`.' }),
  customFields: t.field({ type: 'JSONObject', description: 'Custom field values by key; null for a key removes it.' }),
  channel: t.field({ type: CustomerChannel, description: 'Channel of this profile (default EMAIL).' }),
  channelExternalId: t.string({ description: 'Id on the channel.' }),
  customId: t.string({ description: 'Id in your own system (unique).' }),
  customChannel: t.string({ description: 'Custom channel number, for CUSTOM profiles.' }),
  thumbnailUrl: t.string({
    ...maxLength(URL_MAX),
    description: `Avatar image URL (http or https, at most ${URL_MAX} characters).`,
  }),
  confirmed: t.boolean({ description: 'Whether the email address is confirmed.' }),
});

export const CreateCustomerInput = builder.inputType('CreateCustomerInput', {
  description:
    'A new customer: a name and at least one way to reach them. An email of a deleted customer restores that customer.',
  fields: (t) => profileFields(t),
});
export const UpdateCustomerInput = builder.inputType('UpdateCustomerInput', {
  description: 'Changes to a customer: only the fields sent change; null clears a field.',
  fields: (t) => ({
    id: t.globalID({ for: Customer, required: true, description: 'The customer to change.' }),
    ...profileFields(t),
  }),
});
/** The input of a mutation that acts on one customer: each mutation its own type, for evolving alone. */
const customerInput = (name: string, description: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({ id: t.globalID({ for: Customer, required: true, description: 'The customer.' }) }),
  });
export const BlockCustomerInput = customerInput('BlockCustomerInput', 'The customer to block.');
export const RestoreCustomerInput = customerInput('RestoreCustomerInput', 'The customer to unblock and undelete.');
export const DisableCustomerInput = customerInput('DisableCustomerInput', 'The customer to soft-delete.');
export const DeleteCustomerPermanentlyInput = customerInput('DeleteCustomerPermanentlyInput', 'The customer to erase.');

export const LinkCustomerProfilesInput = builder.inputType('LinkCustomerProfilesInput', {
  description: 'Two profiles of one person to link (their groups merge).',
  fields: (t) => ({
    id: t.globalID({ for: Customer, required: true, description: 'A profile.' }),
    with: t.field({
      type: CustomerLocator,
      required: true,
      description: 'The profile to link it with, by id or email.',
    }),
  }),
});
export const UnlinkCustomerProfilesInput = builder.inputType('UnlinkCustomerProfilesInput', {
  description: 'A profile to take out of its linked group.',
  fields: (t) => ({
    id: t.globalID({ for: Customer, required: true, description: 'A profile of the group (returned in the payload).' }),
    profile: t.globalID({
      for: Customer,
      description: 'The profile to take out of the group of `id`; default `id` itself. Must be linked to `id`.',
    }),
  }),
});
export const GenerateIdentificationCodeInput = builder.inputType('GenerateIdentificationCodeInput', {
  description: 'What you know of the person: found by custom id, email, phone or WhatsApp phone, or created.',
  fields: (t) => ({
    fullName: t.string({ ...maxLength(SHORT_TEXT_MAX), description: 'Full name.' }),
    companyName: t.string({ ...maxLength(SHORT_TEXT_MAX), description: 'Company.' }),
    email: t.field({ type: 'EmailAddress', description: 'Email address.' }),
    phone: t.string({ ...maxLength(PHONE_MAX), description: 'Phone.' }),
    whatsappPhone: t.string({ ...maxLength(PHONE_MAX), description: 'WhatsApp phone.' }),
    customId: t.string({ ...maxLength(SHORT_TEXT_MAX), description: 'Id in your own system.' }),
    customChannel: t.string({ ...maxLength(SHORT_TEXT_MAX), description: 'Custom channel number.' }),
    customFields: t.field({ type: 'JSONObject', description: 'Custom field values for a new profile.' }),
  }),
});
export const RedeemIdentificationCodeInput = builder.inputType('RedeemIdentificationCodeInput', {
  description: 'A code a messenger profile sent, and that profile.',
  fields: (t) => ({
    code: t.string({ required: true, ...maxLength(KEY_MAX), description: 'The identification code.' }),
    profile: t.globalID({ for: Customer, required: true, description: 'The messenger profile that sent it.' }),
  }),
});
export const CustomFieldDefinitionInput = builder.inputType('CreateCustomFieldDefinitionInput', {
  description: 'A new custom customer field.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Display name.' }),
    type: t.field({ type: CustomFieldType, required: true, description: 'Type of the values.' }),
    key: t.string({
      ...maxLength(KEY_MAX),
      description:
        'The key, `cf_<number>`, for instance the one a Deskie account used, so that migrated integrations keep their keys. Default `cf_<id>`.',
    }),
  }),
});
