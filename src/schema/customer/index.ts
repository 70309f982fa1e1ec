// The customer type, its queries and mutations, registered in this order.
import './enums.ts';
import './type.ts';
import './filter.ts';
import './locators.ts';
import './queries.ts';
import './inputs.ts';
import './payloads.ts';
import './mutations.ts';
