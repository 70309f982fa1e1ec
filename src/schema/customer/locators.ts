// Finding the customer a mutation acts on, by id or email.
import { builder } from '../../builder.ts';
import type { Context } from '../../context.ts';
import { DomainError } from '../../domain/errors.ts';
import { Customer } from './type.ts';

export const CustomerLocator = builder.inputType('CustomerLocator', {
  description: 'Finds a customer by global `id` or by `email`. Give exactly one.',
  isOneOf: true,
  fields: (t) => ({
    id: t.globalID({ for: Customer, description: 'Global id.' }),
    email: t.field({ type: 'EmailAddress', description: 'Email address, case-insensitive.' }),
  }),
});

export const byId = (input: { id: { id: string } }) => Number(input.id.id);

export async function locateCustomer(ctx: Context, locator: typeof CustomerLocator.$inferInput) {
  if (locator.id) return Number(locator.id.id);
  const found = await ctx.prisma.customer.findUnique({
    where: { email: locator.email!.toLowerCase() },
    select: { id: true },
  });
  if (!found) throw DomainError.of('NOT_FOUND', 'No customer with that email.', ['with']);
  return found.id;
}
