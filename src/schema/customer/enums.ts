// A customer profile's channel and the types a custom field's values have.
import { builder } from '../../builder.ts';

export const CustomerChannel = builder.enumType('CustomerChannel', {
  description: 'The channel a customer profile belongs to.',
  values: {
    EMAIL: { description: 'Email.' },
    PHONE: { description: 'Phone.' },
    WEB: { description: 'Web portal or widget.' },
    TELEGRAM: { description: 'Telegram.' },
    WHATSAPP: { description: 'WhatsApp.' },
    FACEBOOK: { description: 'Facebook Messenger.' },
    TWITTER: { description: 'Twitter / X.' },
    VIBER: { description: 'Viber.' },
    VK: { description: 'VK.' },
    CUSTOM: { description: 'A custom integration channel (see customChannel).' },
  } as const,
});

export const CustomFieldType = builder.enumType('CustomFieldType', {
  description: 'The type values of a custom field must have.',
  values: {
    STRING: { description: 'Text.' },
    NUMBER: { description: 'A number.' },
    BOOLEAN: { description: 'true or false.' },
    DATE: { description: 'A date, YYYY-MM-DD.' },
  } as const,
});
