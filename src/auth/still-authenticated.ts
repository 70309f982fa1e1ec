// A live subscription outlives the request that authenticated it. Before it delivers, it asks
// again whether its caller could still sign in: a revoked key, a blocked customer or a deleted
// person stops receiving events, as their next request would be refused.
import type { Viewer } from '../context.ts';
import { viewerRef } from '../domain/permissions.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { canAuthenticate } from './authenticate.ts';

export async function stillAuthenticated(prisma: PrismaClient, viewer: Viewer): Promise<boolean> {
  if (viewer.keyId !== undefined) {
    const key = await prisma.apiKey.findUnique({
      where: { id: viewer.keyId },
      select: {
        revokedAt: true,
        agent: { select: { state: true } },
        customer: { select: { state: true, blocked: true } },
      },
    });
    return !!key && !key.revokedAt && canAuthenticate(key.agent ?? key.customer);
  }
  const { kind, id } = viewerRef(viewer);
  const person =
    kind === 'agent'
      ? await prisma.agent.findUnique({ where: { id }, select: { state: true } })
      : await prisma.customer.findUnique({ where: { id }, select: { state: true, blocked: true } });
  return canAuthenticate(person);
}
