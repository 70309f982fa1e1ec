// Imports every type module (they register themselves on the builder) and builds the schema.
import { builder } from '../builder.ts';
import './user-errors.ts';
import './person.ts';
import './agent/index.ts';
import './customer/index.ts';
import './branch.ts';
import './ticket/index.ts';
import './comment.ts';
import './attachment.ts';
import './api-key.ts';
import './event/index.ts';
import './webhook/index.ts';

import { describeGeneratedFields } from './describe.ts';
import { withIdErrors } from './id-errors.ts';

export const schema = withIdErrors(describeGeneratedFields(builder.toSchema({ sortSchema: false })));
