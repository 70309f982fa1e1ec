// Webhooks (issue 18): the types admins read and the mutations that manage them.
import './type.ts';
import './mutations.ts';
