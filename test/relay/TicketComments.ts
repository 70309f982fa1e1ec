// A ticket's conversation: comments paginated on the ticket itself (refetched through node(id:)),
// and a reply appended to that list with @appendEdge.
import { graphql } from './graphql.ts';

export const TicketCommentsQuery = graphql`
  query TicketCommentsQuery($key: String!) {
    ticket(by: { key: $key }) {
      key
      subject
      ...TicketComments_ticket
    }
  }
`;

export const TicketComments_ticket = graphql`
  fragment TicketComments_ticket on Ticket
  @refetchable(queryName: "TicketCommentsPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    comments(first: $count, after: $cursor) @connection(key: "TicketComments_comments") {
      __id
      totalCount
      edges {
        node {
          id
          ...TicketComments_comment
        }
      }
    }
  }
`;

export const TicketComments_comment = graphql`
  fragment TicketComments_comment on Comment {
    content
    private
    createdAt
    author {
      name
    }
  }
`;

export const TicketCommentsAddMutation = graphql`
  mutation TicketCommentsAddMutation($input: AddCommentInput!, $connections: [ID!]!) {
    addComment(input: $input) {
      commentEdge @appendEdge(connections: $connections) {
        cursor
        node {
          id
          ...TicketComments_comment
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const TicketCommentsCreateTicketMutation = graphql`
  mutation TicketCommentsCreateTicketMutation($input: CreateTicketInput!, $connections: [ID!]!) {
    createTicket(input: $input) {
      ticketEdge @prependEdge(connections: $connections) {
        node {
          id
          ...TicketRow_ticket
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
