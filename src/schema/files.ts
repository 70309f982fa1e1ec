// Files arriving with mutations: GraphQL multipart `File`s and DiamanteDesk's base64 objects.
import { builder, type InputFieldBuilder } from '../builder.ts';
import type { Context } from '../context.ts';
import * as attachments from '../domain/attachments.ts';
import { controlCharactersRemoved, maxItems, maxLength } from './input-limits.ts';

export const FileScalar = builder.scalarType('File', {
  description: 'A file sent with the GraphQL multipart request spec (input only).',
  serialize: () => {
    throw new Error('File is an input-only scalar');
  },
});

export const Base64FileInput = builder.inputType('Base64FileInput', {
  description: "A file as DiamanteDesk's `attachmentsInput` sends it.",
  fields: (t) => ({
    filename: t.string({
      required: true,
      ...controlCharactersRemoved(),
      description: 'File name (sanitised on upload).',
    }),
    content: t.string({
      required: true,
      ...maxLength('files'),
      description: 'The bytes, base64-encoded (the decoded file at most HELPDESK_MAX_FILE_SIZE bytes).',
    }),
  }),
});

/** The two ways a create mutation takes files (createTicket, addComment): `files` and `attachments`. */
export const newFileFields = (t: InputFieldBuilder) => ({
  files: t.field({
    type: [FileScalar],
    ...maxItems(null),
    description: 'Files to attach (GraphQL multipart request).',
  }),
  attachments: t.field({
    type: [Base64FileInput],
    ...maxItems(null),
    description: 'Files to attach, base64-encoded.',
  }),
});

/** Multipart File objects and base64 objects, read and checked against the limits. */
export async function incomingFiles(
  ctx: Context,
  files: readonly File[] | null | undefined,
  base64: readonly { filename: string; content: string }[] | null | undefined,
): Promise<attachments.IncomingFile[]> {
  const fromMultipart = await Promise.all(
    (files ?? []).map(async (file) => ({ filename: file.name, bytes: Buffer.from(await file.arrayBuffer()) })),
  );
  const all = [...fromMultipart, ...attachments.decodeBase64Files([...(base64 ?? [])], ['base64'])];
  attachments.checkFiles(all, ctx.files.limits, ['files']);
  return all;
}
