// The payloads of the customer mutations.
import { builder } from '../../builder.ts';
import type { UserErrorShape } from '../../domain/errors.ts';
import { deletePayload, objectPayload } from '../payload.ts';
import { UserError as UserErrorRef } from '../user-errors.ts';
import { CustomerEdge } from './type.ts';

const customerPayload = (name: string, what: string) =>
  objectPayload(name, 'customer', 'Customer', `Result of \`${what}\`.`);
export const CreateCustomerPayload = objectPayload(
  'CreateCustomerPayload',
  'customer',
  'Customer',
  'Result of `createCustomer`.',
  CustomerEdge,
);
export const UpdateCustomerPayload = customerPayload('UpdateCustomerPayload', 'updateCustomer');
export const BlockCustomerPayload = customerPayload('BlockCustomerPayload', 'blockCustomer');
export const RestoreCustomerPayload = customerPayload('RestoreCustomerPayload', 'restoreCustomer');
export const DisableCustomerPayload = customerPayload('DisableCustomerPayload', 'disableCustomer');
export const LinkCustomerProfilesPayload = customerPayload('LinkCustomerProfilesPayload', 'linkCustomerProfiles');
export const UnlinkCustomerProfilesPayload = customerPayload('UnlinkCustomerProfilesPayload', 'unlinkCustomerProfiles');
export const RedeemIdentificationCodePayload = customerPayload(
  'RedeemIdentificationCodePayload',
  'redeemIdentificationCode',
);
export const DeleteCustomerPermanentlyPayload = deletePayload(
  'DeleteCustomerPermanentlyPayload',
  'Customer',
  'Result of `deleteCustomerPermanently`.',
);

export const GenerateIdentificationCodePayload = builder
  .objectRef<{ result: { code: string; expiresAt: Date; customerId: number } | null; userErrors: UserErrorShape[] }>(
    'GenerateIdentificationCodePayload',
  )
  .implement({
    description: 'Result of `generateIdentificationCode`.',
    fields: (t) => ({
      code: t.string({
        nullable: true,
        description: 'The code: works once, until expiresAt.',
        resolve: (p) => p.result?.code ?? null,
      }),
      expiresAt: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'When the code stops working.',
        resolve: (p) => p.result?.expiresAt ?? null,
      }),
      customer: t.prismaField({
        type: 'Customer',
        nullable: true,
        description: 'The profile the code identifies (found or created).',
        resolve: (query, p, _args, ctx) =>
          p.result ? ctx.prisma.customer.findUnique({ ...query, where: { id: p.result.customerId } }) : null,
      }),
      userErrors: t.field({
        type: [UserErrorRef],
        description: 'Why no code was made; empty on success.',
        resolve: (p) => p.userErrors,
      }),
    }),
  });

export const CreateCustomFieldDefinitionPayload = builder
  .objectRef<{ result: { key: string } | null; userErrors: UserErrorShape[] }>('CreateCustomFieldDefinitionPayload')
  .implement({
    description: 'Result of `createCustomFieldDefinition`.',
    fields: (t) => ({
      customFieldDefinition: t.prismaField({
        type: 'CustomFieldDefinition',
        nullable: true,
        description: 'The new field; null when none was made.',
        resolve: (query, p, _args, ctx) =>
          p.result ? ctx.prisma.customFieldDefinition.findUnique({ ...query, where: { key: p.result.key } }) : null,
      }),
      userErrors: t.field({
        type: [UserErrorRef],
        description: 'Why no field was made; empty on success.',
        resolve: (p) => p.userErrors,
      }),
    }),
  });
