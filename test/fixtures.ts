// Small helpers that build data through the public GraphQL API.
import type { TestApp } from './helpers.ts';
import { ok } from './helpers.ts';

export async function createBranch(app: TestApp, name: string, key?: string) {
  const data = ok(
    await app.gql<any>(
      'mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { id key internalId } userErrors { message } } }',
      { input: { name, key } },
    ),
  );
  if (data.createBranch.userErrors.length) throw new Error(JSON.stringify(data.createBranch.userErrors));
  return data.createBranch.branch as { id: string; key: string; internalId: number };
}

export async function createCustomer(app: TestApp, email: string) {
  const data = ok(
    await app.gql<any>(
      'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id internalId } userErrors { message } } }',
      { input: { email, firstName: 'Cu', lastName: 'Stomer' } },
    ),
  );
  if (data.createCustomer.userErrors.length) throw new Error(JSON.stringify(data.createCustomer.userErrors));
  return data.createCustomer.customer as { id: string; internalId: number };
}

export async function createTicket(app: TestApp, input: Record<string, unknown>) {
  const data = ok(
    await app.gql<any>(
      'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id key internalId } userErrors { message field code } } }',
      { input: { subject: 'Printer on fire', description: 'It is really on fire.', ...input } },
    ),
  );
  if (data.createTicket.userErrors.length) throw new Error(JSON.stringify(data.createTicket.userErrors));
  return data.createTicket.ticket as { id: string; key: string; internalId: number };
}
