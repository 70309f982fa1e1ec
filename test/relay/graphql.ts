// The `graphql` tag relay-compiler looks for. These documents are compiled, never run: the tag
// only has to exist for TypeScript.
export const graphql = String.raw;
