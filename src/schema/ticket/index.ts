// The ticket type and its lists, queries and mutations, registered in this order.
import './enums.ts';
import './type.ts';
import './filter.ts';
import './lists.ts';
import './queries.ts';
import './locators.ts';
import './inputs.ts';
import './mutations.ts';
