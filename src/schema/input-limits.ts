// Length and size bounds of GraphQL inputs, declared on the schema and enforced before execution by
// src/http/input-limits.ts (a BAD_USER_INPUT naming the argument). Mutation fields whose domain
// rule already answers TOO_LONG (subject, description, names...) keep that user error and need no
// declaration here; everything else declares its bound with `maxLength(...)`.

/** Free-text search and `text` filters: a substring search costs in proportion to its length. */
export const SEARCH_TEXT_MAX = 200;
/** Other substring filters (`key`, `name`) and ticket or branch keys to look up. */
export const FILTER_TEXT_MAX = 200;
/** A tag, as stored (src/domain/branches.ts). */
export const TAG_MAX = 100;
/** Short identifiers: keys, codes, language tags, time zone names. */
export const KEY_MAX = 100;
/** Long free text that has no domain rule of its own (a branch description). */
export const LONG_TEXT_MAX = 65_535;
/** Text fields stored like the customer's `companyName` (at most 255 there). */
export const SHORT_TEXT_MAX = 255;
/** Phone numbers, as the customer rules have them. */
export const PHONE_MAX = 50;
/** URLs given as plain strings. */
export const URL_MAX = 2048;
/** `nodes(ids:)`: at most this many ids per call. */
export const MAX_NODE_IDS = 100;

/**
 * Lists without a declared `maxItems` take at most this many items (statuses, tags...). Files have
 * their own limit (HELPDESK_MAX_FILES) and declare `maxItems: null`.
 */
export const DEFAULT_MAX_ITEMS = 100;

/**
 * Bounds by scalar type for inputs that declare none (in characters, as JavaScript counts them).
 * A plain String with no declaration is capped by the safety net.
 */
export const SCALAR_MAX_LENGTH: Record<string, number> = {
  ID: 100,
  EmailAddress: 254,
  URL: URL_MAX,
  Locale: 35,
  DateTime: 64,
};

/** The safety net: no single string argument or variable may be longer (1 Mi characters). */
export const STRING_SAFETY_NET = 1024 * 1024;

/** JSON and JSONObject inputs (custom fields): nesting, keys per object, items, string lengths. */
export const JSON_LIMITS = { maxDepth: 5, maxKeys: 100, maxItems: 100, maxKeyLength: 100, maxStringLength: 10_000 };

/** Input values (objects and lists, literal or in variables) nested deeper than this are refused. */
export const MAX_INPUT_DEPTH = 10;

export interface InputLimitExtensions {
  /** Longest string accepted; 'files' for base64 file content (HELPDESK_MAX_FILE_SIZE, encoded). */
  maxLength?: number | 'files';
  /** Most list items accepted; null for no count (files, bounded by HELPDESK_MAX_FILES). */
  maxItems?: number | null;
  /** The domain removes control characters (NUL included) before storing: NUL is accepted. */
  controlCharactersRemoved?: boolean;
}

/** Options for a string argument or input field that declares its bound. */
export const maxLength = (max: number | 'files') => ({ extensions: { maxLength: max } satisfies InputLimitExtensions });

/** Options for a list argument or input field that declares its size. */
export const maxItems = (max: number | null) => ({ extensions: { maxItems: max } satisfies InputLimitExtensions });

/** Options for a string the domain cleans of control characters itself (file names). */
export const controlCharactersRemoved = () => ({
  extensions: { controlCharactersRemoved: true } satisfies InputLimitExtensions,
});
