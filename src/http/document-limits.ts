// Bounds on the GraphQL document itself, checked before it is parsed into a tree and validated:
// graphql-js parses and validates recursively, so 3,000 nested `{` (or `[` in a value) overflow the
// stack and answered "Unexpected error.". The document is first scanned with graphql's own lexer,
// which is iterative: too many tokens or too deep a nesting is refused there; then, on the bounded
// tree, too many aliases or directives. Each refusal is a 400 with code QUERY_TOO_COMPLEX.
import {
  type DocumentNode,
  GraphQLError,
  Kind,
  Lexer,
  type ParseOptions,
  parse,
  Source,
  TokenKind,
  visit,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface DocumentLimits {
  /** Lexical tokens in the whole document (GraphiQL's introspection query has about 350). */
  maxTokens: number;
  /** Nesting of `{`, `[` and `(` at any point: selection sets and input values together. */
  maxNesting: number;
  /** Aliased fields in the whole document. */
  maxAliases: number;
  /** Directives in the whole document. */
  maxDirectives: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = {
  maxTokens: 5000,
  maxNesting: 40,
  maxAliases: 100,
  maxDirectives: 50,
};

function tooComplex(message: string) {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
}

/** Token count and nesting, from the lexer alone: no recursion, stops at the first excess. */
function scan(source: Source, limits: DocumentLimits) {
  const lexer = new Lexer(source);
  let tokens = 0;
  let depth = 0;
  for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
    if (++tokens > limits.maxTokens) {
      throw tooComplex(`The document has more than ${limits.maxTokens} tokens; send a smaller query.`);
    }
    if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.BRACKET_L || token.kind === TokenKind.PAREN_L) {
      if (++depth > limits.maxNesting) {
        throw tooComplex(`The document is nested more than ${limits.maxNesting} levels deep (selections and values).`);
      }
    } else if (
      token.kind === TokenKind.BRACE_R ||
      token.kind === TokenKind.BRACKET_R ||
      token.kind === TokenKind.PAREN_R
    ) {
      depth = Math.max(0, depth - 1);
    }
  }
}

export function parseWithLimits(source: string | Source, limits: DocumentLimits, options?: ParseOptions): DocumentNode {
  const body = typeof source === 'string' ? new Source(source) : source;
  scan(body, limits);
  const document = parse(body, { ...options, maxTokens: limits.maxTokens });
  let aliases = 0;
  let directives = 0;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.alias) aliases++;
    },
    [Kind.DIRECTIVE]() {
      directives++;
    },
  });
  if (aliases > limits.maxAliases)
    throw tooComplex(`The document has ${aliases} aliases, at most ${limits.maxAliases}.`);
  if (directives > limits.maxDirectives) {
    throw tooComplex(`The document has ${directives} directives, at most ${limits.maxDirectives}.`);
  }
  return document;
}

export function documentLimits(limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): Plugin {
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => parseWithLimits(source, limits, options));
    },
  };
}
