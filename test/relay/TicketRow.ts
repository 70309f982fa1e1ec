// One ticket in a list: the same fragment fits every list of tickets (one TicketConnection).
import { graphql } from './graphql.ts';

export const TicketRow_ticket = graphql`
  fragment TicketRow_ticket on Ticket {
    key
    subject
    status
    priority
    updatedAt
    reporter {
      id
      name
    }
    assignee {
      id
      name
    }
  }
`;

export const TicketRowBranchQuery = graphql`
  query TicketRowBranchQuery($key: String!) {
    branch(by: { key: $key }) {
      id
      name
      tickets(first: 10, filter: { status: [NEW, OPEN] }) {
        edges {
          node {
            ...TicketRow_ticket
          }
        }
      }
    }
  }
`;
