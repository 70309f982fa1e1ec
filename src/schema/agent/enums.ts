// An agent's role and Teamwork Desk settings.
import { builder } from '../../builder.ts';

export const AgentRole = builder.enumType('AgentRole', {
  description: 'What an agent may manage.',
  values: {
    ADMIN: { description: 'Everything, including agents and branches.' },
    AGENT: { description: 'Tickets, comments and customers.' },
  } as const,
});

export const TimeFormat = builder.enumType('TimeFormat', {
  description: 'How an agent reads times.',
  values: { H12: { description: '12-hour clock.' }, H24: { description: '24-hour clock.' } } as const,
});

export const EditMethod = builder.enumType('EditMethod', {
  description: 'Default input method for editing tickets.',
  values: { HTML: { description: 'Rich text (HTML).' }, MARKDOWN: { description: 'Markdown.' } } as const,
});

export const TicketReplyRedirect = builder.enumType('TicketReplyRedirect', {
  description: 'Where an agent goes after answering a ticket.',
  values: {
    STAY: { description: 'Stay on the ticket.' },
    NEXT: { description: 'Go to the next ticket of the queue.' },
    INBOX: { description: 'Go back to the ticket list.' },
  } as const,
});
