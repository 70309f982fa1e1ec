// Teamwork Desk numbers time zones and time formats (`timezoneId`, `timeFormatId`, "fields
// populated from the PM database"); here an agent holds an IANA zone and H12/H24. These tables
// translate, and are documented in docs/rest-compatibility.md. Ids are stable: new zones are
// only ever appended.

export const TIMEZONES: readonly string[] = [
  'Pacific/Midway',
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Denver',
  'America/Phoenix',
  'America/Chicago',
  'America/Mexico_City',
  'America/New_York',
  'America/Halifax',
  'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires',
  'Atlantic/Azores',
  'UTC',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Lisbon',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Madrid',
  'Europe/Rome',
  'Europe/Amsterdam',
  'Europe/Stockholm',
  'Europe/Warsaw',
  'Europe/Athens',
  'Europe/Helsinki',
  'Europe/Kyiv',
  'Europe/Istanbul',
  'Europe/Moscow',
  'Africa/Cairo',
  'Africa/Johannesburg',
  'Africa/Lagos',
  'Africa/Nairobi',
  'Asia/Dubai',
  'Asia/Karachi',
  'Asia/Kolkata',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Singapore',
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Australia/Perth',
  'Australia/Adelaide',
  'Australia/Brisbane',
  'Australia/Sydney',
  'Pacific/Auckland',
];

/** `timezoneId` n is TIMEZONES[n - 1]; the model's null (the helpdesk default) is UTC. */
export const timezoneIdOf = (zone: string | null) => {
  const index = TIMEZONES.indexOf(zone ?? 'UTC');
  return index < 0 ? null : index + 1;
};
export const timezoneOf = (id: number) => TIMEZONES[id - 1];

export const TIME_FORMATS: Record<number, 'H12' | 'H24'> = { 1: 'H12', 2: 'H24' };
export const timeFormatIdOf = (format: string) => (format === 'H12' ? 1 : 2);
