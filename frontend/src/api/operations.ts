/** Every GraphQL operation the UI sends; codegen checks each against ../schema.graphql. */
import { graphql } from "../gql";

export const HealthCheckQuery = graphql(`
  query HealthCheck {
    health {
      neo4j {
        ok
      }
    }
  }
`);

export const HealthQuery = graphql(`
  query Health {
    health {
      neo4j {
        ok
        version
        edition
        error
      }
      redis {
        ok
        version
        error
      }
      worker {
        ok
        lastHeartbeat
      }
      llm {
        provider
        model
        ok
        latencyMs
        error
        extractor
        answerer
        checkedAt
      }
    }
  }
`);

export const ConversationsQuery = graphql(`
  query Conversations($first: Int!, $after: String) {
    conversations(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          title
          origin
          messageCount
          createdAt
          status
        }
      }
    }
  }
`);

export const ConversationQuery = graphql(`
  query Conversation($id: ID!, $first: Int!, $after: String) {
    conversation(id: $id) {
      id
      title
      origin
      messageCount
      createdAt
      status
      messages(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            seq
            speaker
            text
            timestamp
          }
        }
      }
    }
  }
`);

export const IngestFileMutation = graphql(`
  mutation IngestFile($name: String!, $content: String!) {
    ingestFile(name: $name, content: $content) {
      created
      conversation {
        id
        title
      }
      job {
        id
        status
        stage
        progress
        errorMessage
      }
    }
  }
`);

export const RetryJobMutation = graphql(`
  mutation RetryJob($id: ID!) {
    retryJob(id: $id) {
      id
      status
      stage
      progress
      errorMessage
    }
  }
`);

export const JobProgressSubscription = graphql(`
  subscription JobProgress($jobId: ID!) {
    jobProgress(jobId: $jobId) {
      jobId
      status
      stage
      progress
      errorMessage
    }
  }
`);

export const SearchQuery = graphql(`
  query Search($query: String!, $first: Int!) {
    search(query: $query, first: $first) {
      totalCount
      edges {
        cursor
        node {
          kind
          score
          snippet {
            text
            parts {
              text
              highlighted
            }
          }
          message {
            id
            speaker
            timestamp
            conversation {
              id
              title
            }
          }
          entity {
            id
            name
            type
          }
          fact {
            id
            field
            value
          }
        }
      }
    }
  }
`);

export const EntityQuery = graphql(`
  query Entity($id: ID!) {
    entity(id: $id) {
      id
      name
      type
      aliases
      createdAt
      facts(first: 100) {
        totalCount
        edges {
          node {
            id
            field
            value
            confidence
          }
        }
      }
      relations(first: 100, direction: BOTH) {
        totalCount
        edges {
          node {
            id
            label
            confidence
            source {
              id
              name
              type
            }
            target {
              id
              name
              type
            }
          }
        }
      }
    }
  }
`);

export const ExplainQuery = graphql(`
  query Explain($id: ID!) {
    explain(id: $id) {
      messageCount
      extractor
      messages {
        id
        speaker
        text
        timestamp
        conversation {
          id
          title
        }
      }
      producedBy {
        id
        status
        extractor
        createdAt
      }
      jobs {
        id
        status
        stage
        extractor
        createdAt
        conversationId
      }
      decisions {
        id
        entityId
        mention
        outcome
        rule
        score
        candidateName
      }
      merges {
        id
        sourceId
        targetId
        status
        createdAt
        actor
      }
    }
  }
`);

export const EntitySearchQuery = graphql(`
  query EntitySearch($nameContains: String!, $first: Int!) {
    entities(first: $first, nameContains: $nameContains) {
      edges {
        node {
          id
          name
          type
        }
      }
    }
  }
`);

export const MergesQuery = graphql(`
  query Merges($entityId: ID!) {
    merges(entityId: $entityId) {
      id
      sourceId
      targetId
      status
      createdAt
      undoneAt
      movedFacts
      movedRelations
      movedMentions
    }
  }
`);

export const MergeEntitiesMutation = graphql(`
  mutation MergeEntities($sourceId: ID!, $targetId: ID!) {
    mergeEntities(sourceId: $sourceId, targetId: $targetId) {
      id
      sourceId
      targetId
      status
      movedFacts
      movedRelations
    }
  }
`);

export const UndoMergeMutation = graphql(`
  mutation UndoMerge($mergeId: ID!) {
    undoMerge(mergeId: $mergeId) {
      id
      status
      undoneAt
    }
  }
`);

export const GraphNodeQuery = graphql(`
  query GraphNode($id: ID!) {
    entity(id: $id) {
      id
      name
      type
    }
  }
`);

export const GraphRelationsQuery = graphql(`
  query GraphRelations($id: ID!, $first: Int!, $after: String) {
    entity(id: $id) {
      id
      relations(first: $first, after: $after, direction: BOTH) {
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            label
            source {
              id
              name
              type
            }
            target {
              id
              name
              type
            }
          }
        }
      }
    }
  }
`);

export const SchemaRegistryQuery = graphql(`
  query SchemaRegistry {
    schemaRegistry {
      kind
      label
      usage
      matchedBy
      aliases {
        label
        usage
        matchedBy
      }
    }
  }
`);

export const MakeLabelAliasMutation = graphql(`
  mutation MakeLabelAlias($kind: LabelKind!, $label: String!, $canonical: String!) {
    makeLabelAlias(kind: $kind, label: $label, canonical: $canonical) {
      id
      kind
      label
      fromCanonical
      toCanonical
      status
      relabelled
    }
  }
`);

export const UndoLabelChangeMutation = graphql(`
  mutation UndoLabelChange($id: ID!) {
    undoLabelChange(id: $id) {
      id
      status
      undoneAt
    }
  }
`);

export const AskSubscription = graphql(`
  subscription Ask($question: String!) {
    ask(question: $question) {
      __typename
      ... on AskToken {
        text
      }
      ... on AskAnswer {
        text
        found
        answerer
        method
        basis
        notice
        llmCalls
        inputTokens
        outputTokens
        costUsd
        followUps
        citations {
          number
          message {
            id
            speaker
            timestamp
            text
            conversation {
              id
              title
            }
          }
        }
      }
    }
  }
`);

export const GraphNeighbourDegreesQuery = graphql(`
  query GraphNeighbourDegrees($id: ID!, $first: Int!) {
    entity(id: $id) {
      id
      neighbors(first: $first) {
        edges {
          node {
            id
            relations(first: 1) {
              totalCount
            }
          }
        }
      }
    }
  }
`);
