// Customer mutations: each parses its input and calls one use-case in src/domain/.
import { builder } from '../../builder.ts';
import * as customFields from '../../domain/custom-fields.ts';
import * as profiles from '../../domain/customer-profiles.ts';
import * as customers from '../../domain/customers.ts';
import * as identification from '../../domain/identification-codes.ts';
import { viewerRef } from '../../domain/permissions.ts';
import { asPayload, onlyFor } from '../user-errors.ts';
import {
  BlockCustomerInput,
  CreateCustomerInput,
  CustomFieldDefinitionInput,
  DeleteCustomerPermanentlyInput,
  DisableCustomerInput,
  GenerateIdentificationCodeInput,
  LinkCustomerProfilesInput,
  RedeemIdentificationCodeInput,
  RestoreCustomerInput,
  UnlinkCustomerProfilesInput,
  UpdateCustomerInput,
} from './inputs.ts';
import { byId, locateCustomer } from './locators.ts';
import {
  BlockCustomerPayload,
  CreateCustomerPayload,
  CreateCustomFieldDefinitionPayload,
  DeleteCustomerPermanentlyPayload,
  DisableCustomerPayload,
  GenerateIdentificationCodePayload,
  LinkCustomerProfilesPayload,
  RedeemIdentificationCodePayload,
  RestoreCustomerPayload,
  UnlinkCustomerProfilesPayload,
  UpdateCustomerPayload,
} from './payloads.ts';

const staffMutation = onlyFor('staff', 'Only agents manage customers.');

builder.mutationFields((t) => ({
  createCustomer: t.field({
    type: CreateCustomerPayload,
    ...staffMutation,
    description: 'Creates a customer. Agents only.',
    args: { input: t.arg({ type: CreateCustomerInput, required: true, description: 'The new customer.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => profiles.createCustomer(ctx.prisma, input, ctx.now, viewerRef(ctx.viewer))),
  }),
  updateCustomer: t.field({
    type: UpdateCustomerPayload,
    description:
      'Changes a customer: a partial update. Customers may change their own profile, except the note, blocked, confirmed, customId, channel, channelExternalId, customChannel, customFields and their email (FORBIDDEN on the field; agents change them).',
    args: { input: t.arg({ type: UpdateCustomerInput, required: true, description: 'The customer and its changes.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => profiles.updateCustomer(ctx.prisma, ctx.viewer, byId(input), input, ctx.now)),
  }),
  blockCustomer: t.field({
    type: BlockCustomerPayload,
    ...staffMutation,
    description: 'Blocks a customer: they can no longer sign in, and their new tickets are marked spam. Agents only.',
    args: { input: t.arg({ type: BlockCustomerInput, required: true, description: 'The customer.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => customers.blockCustomer(ctx.prisma, byId(input), ctx.now, viewerRef(ctx.viewer))),
  }),
  restoreCustomer: t.field({
    type: RestoreCustomerPayload,
    ...staffMutation,
    description: 'Undoes a block and a soft delete. Agents only.',
    args: { input: t.arg({ type: RestoreCustomerInput, required: true, description: 'The customer.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => customers.restoreCustomer(ctx.prisma, byId(input), ctx.now, viewerRef(ctx.viewer))),
  }),
  disableCustomer: t.field({
    type: DisableCustomerPayload,
    ...staffMutation,
    description: 'Soft-deletes a customer: hidden from default lists, cannot sign in, restorable. Agents only.',
    args: { input: t.arg({ type: DisableCustomerInput, required: true, description: 'The customer.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => customers.disableCustomer(ctx.prisma, byId(input), ctx.now, viewerRef(ctx.viewer))),
  }),
  deleteCustomerPermanently: t.field({
    type: DeleteCustomerPermanentlyPayload,
    ...onlyFor('admin', 'Only admins delete customers permanently.'),
    description:
      'Erases a customer and their keys; their tickets and comments stay, attributed to a deleted-person placeholder. Admins only.',
    args: { input: t.arg({ type: DeleteCustomerPermanentlyInput, required: true, description: 'The customer.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => customers.deleteCustomerPermanently(ctx.prisma, byId(input), ctx.now, viewerRef(ctx.viewer))),
  }),
  linkCustomerProfiles: t.field({
    type: LinkCustomerProfilesPayload,
    ...staffMutation,
    description: 'Links two profiles of one person; links are symmetric and transitive. Agents only.',
    args: { input: t.arg({ type: LinkCustomerProfilesInput, required: true, description: 'The two profiles.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(async () =>
        customers.linkProfiles(
          ctx.prisma,
          byId(input),
          await locateCustomer(ctx, input.with),
          ctx.now,
          viewerRef(ctx.viewer),
        ),
      ),
  }),
  unlinkCustomerProfiles: t.field({
    type: UnlinkCustomerProfilesPayload,
    ...staffMutation,
    description: 'Takes one profile out of its linked group (`profile`, or `id` itself). Agents only.',
    args: { input: t.arg({ type: UnlinkCustomerProfilesInput, required: true, description: 'The profiles.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() =>
        customers.unlinkProfile(
          ctx.prisma,
          byId(input),
          input.profile ? Number(input.profile.id) : undefined,
          ctx.now,
          viewerRef(ctx.viewer),
        ),
      ),
  }),
  generateIdentificationCode: t.field({
    type: GenerateIdentificationCodePayload,
    ...staffMutation,
    description:
      'Finds or creates the profile the details describe and returns a short, one-time, expiring code for it. Agents only.',
    args: {
      input: t.arg({
        type: GenerateIdentificationCodeInput,
        required: true,
        description: 'What you know of the person.',
      }),
    },
    resolve: (_root, { input }, ctx) =>
      asPayload(() =>
        identification.generateIdentificationCode(ctx.prisma, input, new Date(ctx.now()), viewerRef(ctx.viewer)),
      ),
  }),
  redeemIdentificationCode: t.field({
    type: RedeemIdentificationCodePayload,
    ...staffMutation,
    description:
      'Links the messenger profile that sent a code with the profile the code identifies. A code works once. Agents only.',
    args: { input: t.arg({ type: RedeemIdentificationCodeInput, required: true, description: 'Code and profile.' }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() =>
        identification.redeemIdentificationCode(
          ctx.prisma,
          input.code,
          Number(input.profile.id),
          new Date(ctx.now()),
          viewerRef(ctx.viewer),
        ),
      ),
  }),
  createCustomFieldDefinition: t.field({
    type: CreateCustomFieldDefinitionPayload,
    ...onlyFor('admin', 'Only admins define custom fields.'),
    description: 'Defines a custom customer field; its key is `cf_<number>` (chosen, or `cf_<id>`). Admins only.',
    args: { input: t.arg({ type: CustomFieldDefinitionInput, required: true, description: 'Name and type.' }) },
    resolve: (_root, { input }, ctx) => asPayload(() => customFields.createCustomFieldDefinition(ctx.prisma, input)),
  }),
}));
