// A support inbox: a filtered, paginated ticket list (usePaginationFragment), one row per ticket.
import { graphql } from './graphql.ts';

export const TicketListQuery = graphql`
  query TicketListQuery($filter: TicketFilter, $orderBy: TicketOrder) {
    ...TicketList_query @arguments(filter: $filter, orderBy: $orderBy)
  }
`;

export const TicketList_query = graphql`
  fragment TicketList_query on Query
  @refetchable(queryName: "TicketListPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
    filter: { type: "TicketFilter" }
    orderBy: { type: "TicketOrder" }
  ) {
    tickets(first: $count, after: $cursor, filter: $filter, orderBy: $orderBy)
      @connection(key: "TicketList_tickets", filters: ["filter", "orderBy"]) {
      totalCount
      edges {
        node {
          id
          ...TicketRow_ticket
        }
      }
    }
  }
`;
