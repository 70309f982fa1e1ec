// A ticket's life-cycle status, urgency and channel.
import { builder } from '../../builder.ts';

export const TicketStatus = builder.enumType('TicketStatus', {
  description: 'Where a ticket is in its life.',
  values: {
    NEW: { description: 'Just created, nobody has looked at it.' },
    OPEN: { description: 'Being looked at.' },
    PENDING: { description: 'Waiting for the customer.' },
    IN_PROGRESS: { description: 'Being worked on.' },
    CLOSED: { description: 'Done.' },
    ON_HOLD: { description: 'Parked.' },
  } as const,
});

export const TicketPriority = builder.enumType('TicketPriority', {
  description: 'How urgent a ticket is.',
  values: {
    LOW: { description: 'Low.' },
    MEDIUM: { description: 'Medium (default).' },
    HIGH: { description: 'High.' },
  } as const,
});

export const TicketSource = builder.enumType('TicketSource', {
  description: 'The channel a ticket came from.',
  values: {
    WEB: { description: 'Web form or portal (default).' },
    EMAIL: { description: 'Email.' },
    PHONE: { description: 'Phone call.' },
    CHAT: { description: 'Website chat widget.' },
    TELEGRAM: { description: 'Telegram.' },
    WHATSAPP: { description: 'WhatsApp.' },
    FACEBOOK: { description: 'Facebook Messenger.' },
    TWITTER: { description: 'Twitter / X.' },
    VIBER: { description: 'Viber.' },
    VK: { description: 'VK.' },
    API: { description: 'Created by an integration through the API.' },
    OTHER: { description: 'Any other channel.' },
  } as const,
});
