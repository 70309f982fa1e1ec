// The agent type, its queries and mutations, registered in this order.
import './enums.ts';
import './type.ts';
import './filter.ts';
import './queries.ts';
import './inputs.ts';
import './mutations.ts';
