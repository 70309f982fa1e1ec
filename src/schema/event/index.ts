// Events (issue 18): the type, histories, the change feed, live subscriptions and webhooks.
import './type.ts';
import './history.ts';
import './feed.ts';
import './subscription.ts';
