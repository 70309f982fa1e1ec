// Customer profiles (end users, Deskie fields): creating and changing one, with the same partial
// update rules as agents (src/domain/people.ts).
import { type Clock, systemClock } from '../clock.ts';
import type { Viewer } from '../context.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { CustomerChannel } from '../generated/prisma/enums.ts';
import { validateCustomFields } from './custom-fields.ts';
import { fullNameOf, splitFullName } from './customers.ts';
import { DomainError, isUniqueViolation, Problems, uniqueViolationMentions } from './errors.ts';
import { withEvents } from './events/outbox.ts';
import { CUSTOMER_SNAPSHOT, customerChanged, customerCreated, lockedCustomer } from './events/people-events.ts';
import { email, emailTaken, type PersonRef, setting, text } from './people.ts';
import { assertCan, can, viewerRef } from './permissions.ts';

export interface CustomerInput {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  /** Deskie's single name field; split into first and last name. */
  fullName?: string | null;
  phone?: string | null;
  whatsappPhone?: string | null;
  companyName?: string | null;
  companyPosition?: string | null;
  note?: string | null;
  language?: string | null;
  customFields?: Record<string, unknown> | null;
  channel?: CustomerChannel | null;
  channelExternalId?: string | null;
  customId?: string | null;
  customChannel?: string | null;
  thumbnailUrl?: string | null;
  confirmed?: boolean | null;
}

async function customerData(prisma: PrismaClient, input: CustomerInput, creating: boolean) {
  const problems = new Problems();
  const raw = input as Record<string, unknown>;
  let names: { firstName?: string; lastName?: string } = {};
  if (input.fullName != null) {
    const fullName = text(problems, raw, 'fullName', { max: 201, required: true });
    names = splitFullName(fullName ?? '');
  } else {
    names = {
      firstName: text(problems, raw, 'firstName', { max: 100, nullable: false, notBlank: true }) ?? undefined,
      lastName: text(problems, raw, 'lastName', { max: 100, nullable: false }) ?? undefined,
    };
  }
  if (input.language != null && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(input.language)) {
    problems.add('INVALID', 'language must be a BCP 47 tag such as "en" or "pt-BR".', ['language']);
  }
  if (input.thumbnailUrl != null && !/^https?:\/\/\S+$/.test(input.thumbnailUrl)) {
    problems.add('INVALID', 'thumbnailUrl must be an http(s) URL.', ['thumbnailUrl']);
  }
  const customFields =
    input.customFields == null ? undefined : await validateCustomFields(prisma, input.customFields, problems);
  const data = {
    ...names,
    email: email(problems, input, false),
    phone: text(problems, raw, 'phone', { max: 50 }),
    whatsappPhone: text(problems, raw, 'whatsappPhone', { max: 50 }),
    companyName: text(problems, raw, 'companyName'),
    companyPosition: text(problems, raw, 'companyPosition'),
    note: text(problems, raw, 'note', { max: 10_000 }),
    language: input.language,
    channel: setting<CustomerChannel>(problems, raw, 'channel'),
    channelExternalId: text(problems, raw, 'channelExternalId'),
    customId: text(problems, raw, 'customId'),
    customChannel: text(problems, raw, 'customChannel'),
    thumbnailUrl: input.thumbnailUrl,
    confirmed: setting<boolean>(problems, raw, 'confirmed'),
  };
  if (creating && input.firstName == null && input.fullName == null) {
    problems.add('REQUIRED', 'A name is required (firstName or fullName).', ['firstName']);
  }
  if (creating && !data.email && !data.phone && !data.whatsappPhone && !data.channelExternalId && !data.customId) {
    problems.add('REQUIRED', 'Give an email, phone, WhatsApp phone, channel id or custom id.', ['email']);
  }
  problems.throwIfAny();
  return { data, customFields };
}

function customerConflict(error: unknown): never {
  if (isUniqueViolation(error)) {
    if (uniqueViolationMentions(error, 'customId'))
      throw DomainError.of('TAKEN', 'Another customer already has this customId.', ['customId']);
    if (uniqueViolationMentions(error, 'channelExternalId'))
      throw DomainError.of('TAKEN', 'Another profile of this channel already has this channel id.', [
        'channelExternalId',
      ]);
    throw emailTaken();
  }
  throw error;
}

/** As in DiamanteDesk, creating a customer with the email of a deleted one restores that customer. */
export async function createCustomer(
  prisma: PrismaClient,
  input: CustomerInput,
  now: Clock = systemClock,
  actor: PersonRef | null = null,
) {
  const { data, customFields } = await customerData(prisma, input, true);
  const row = {
    ...data,
    firstName: data.firstName!,
    lastName: data.lastName ?? '',
    fullName: fullNameOf(data.firstName!, data.lastName ?? ''),
    customFields: customFields ?? {},
  };
  const existing = data.email
    ? await prisma.customer.findUnique({ where: { email: data.email }, select: { id: true, state: true } })
    : null;
  const at = new Date(now());
  if (existing?.state === 'DELETED') {
    return withEvents(prisma, async (tx, log) => {
      const before = await lockedCustomer(tx, existing.id);
      const after = await tx.customer.update({
        where: { id: existing.id },
        data: { ...row, state: 'ACTIVE', deletedAt: null },
        select: CUSTOMER_SNAPSHOT,
      });
      if (before) log.add(customerChanged('customer.restored', before, after, actor, at)!);
      return { id: after.id };
    });
  }
  if (existing) throw emailTaken();
  try {
    return await withEvents(prisma, async (tx, log) => {
      const customer = await tx.customer.create({ data: row, select: CUSTOMER_SNAPSHOT });
      log.add(customerCreated(customer, actor, at));
      return { id: customer.id };
    });
  } catch (error) {
    customerConflict(error);
  }
}

/** Customers change their own profile but not its read-only fields (src/domain/permissions.ts). */
export async function updateCustomer(
  prisma: PrismaClient,
  viewer: Viewer,
  id: number,
  input: CustomerInput,
  now: Clock = systemClock,
) {
  assertCan(viewer, 'customer:update', { id, input: { ...input } });
  // Sending the current email back is no change, so it is read only for those who may not change it.
  if (input.email !== undefined && !can(viewer, 'customer:changeEmail')) {
    const current = await prisma.customer.findUnique({ where: { id }, select: { email: true } });
    if ((input.email?.trim().toLowerCase() ?? null) !== (current?.email ?? null))
      assertCan(viewer, 'customer:changeEmail');
  }
  const { data, customFields } = await customerData(prisma, input, false);
  const current = await prisma.customer.findUnique({
    where: { id },
    select: { firstName: true, lastName: true, customFields: true, isPlaceholder: true },
  });
  if (!current || current.isPlaceholder) throw DomainError.of('NOT_FOUND', 'Customer not found.', ['id']);
  const firstName = data.firstName ?? current.firstName;
  const lastName = data.lastName ?? current.lastName;
  try {
    return await withEvents(prisma, async (tx, log) => {
      const before = await lockedCustomer(tx, id);
      const after = await tx.customer.update({
        where: { id },
        data: {
          ...data,
          fullName: fullNameOf(firstName, lastName),
          // Custom fields merge: keys sent replace, a null value removes the key, others stay.
          customFields:
            customFields === undefined
              ? undefined
              : (Object.fromEntries(
                  Object.entries({
                    ...((before ?? current).customFields as Record<string, unknown>),
                    ...customFields,
                  }).filter(([, v]) => v !== null),
                ) as Prisma.InputJsonObject),
        },
        select: CUSTOMER_SNAPSHOT,
      });
      const event = before && customerChanged('customer.updated', before, after, viewerRef(viewer), new Date(now()));
      if (event) log.add(event);
      return { id };
    });
  } catch (error) {
    customerConflict(error);
  }
}
