"""The GraphQL API: Strawberry types, queries, mutations, subscriptions and permissions."""
