// Rich text (ticket descriptions, comments, branch descriptions, customer notes) is stored as the
// author wrote it, except for HTML markup, which goes through an allowlist on every write. The
// model has no per-text format flag (an agent's `editMethod` is a UI preference, customers have
// none), so the rule is decided from the text itself:
//
// - Text in which an HTML parser would see no markup (no `<` followed by a letter, `/`, `!` or
//   `?`) is kept byte for byte: plain text such as `x < 3 && y > 2`, and Markdown without HTML.
//   A browser that renders it as HTML cannot find a tag in it either.
// - Any other text is parsed as HTML and only the tags and attributes DiamanteDesk kept survive:
//   br, a, b, u, i, p, img, h1-h6, strong, em, span, ul, ol, li; `href`, `src`, `alt`, `title`
//   (plus `width`/`height` on images). Event handlers, style, script/style/iframe/svg/... are
//   dropped (the content of script, style and textarea too; other disallowed tags keep their text).
//   Links may be http(s), mailto or tel; images http(s), or `data:` only for PNG, JPEG, GIF and
//   WebP in base64 (what editors paste); `javascript:`, `vbscript:`, `data:text/html`, SVG... are
//   removed. Text between tags is escaped (`<` and `&` become entities, which render the same in
//   HTML and Markdown), except `>`, which is harmless in HTML text and starts Markdown quotes.
import sanitizeHtml from 'sanitize-html';

const MARKUP = /<[A-Za-z/!?]/;

const SAFE_IMAGE_DATA = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$/i;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'br',
    'a',
    'b',
    'u',
    'i',
    'p',
    'img',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'strong',
    'em',
    'span',
    'ul',
    'ol',
    'li',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    span: ['title'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https', 'data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: true,
  disallowedTagsMode: 'discard',
  transformTags: {
    // Only raster images may come inline; anything else in a data: URL (HTML, SVG) goes.
    img: (tagName, attribs) => {
      const src = attribs.src?.trim() ?? '';
      if (/^data:/i.test(src) && !SAFE_IMAGE_DATA.test(src)) {
        const { src: _dropped, ...rest } = attribs;
        return { tagName, attribs: rest };
      }
      return { tagName, attribs };
    },
  },
  // `>` in HTML text is inert; keeping it leaves Markdown quotes (`> quoted`) working.
  textFilter: (text) => text.replace(/&gt;/g, '>'),
};

/** Whether an HTML parser would find a tag, comment or declaration in the text. */
export const containsMarkup = (text: string) => MARKUP.test(text);

/** The text as it may be stored and printed: unchanged without markup, else allowlisted HTML. */
export function sanitizeRichText(text: string): string {
  if (!containsMarkup(text)) return text;
  return sanitizeHtml(text, OPTIONS);
}

/** The rule, for the descriptions of rich-text fields in the GraphQL schema. */
export const RICH_TEXT_RULE =
  'Text without HTML markup (plain text, Markdown) is stored exactly as sent. Text with markup is sanitised on write: ' +
  'only br, a, b, u, i, p, img, h1-h6, strong, em, span, ul, ol and li remain, with href, src, alt and title ' +
  '(width and height on images); event handlers, scripts, styles and other tags are removed; links must be http(s), ' +
  'mailto or tel, images http(s) or base64 PNG/JPEG/GIF/WebP data URLs. Text around the tags is HTML-escaped.';
