"""The GraphQL schema: root types and the extensions every operation passes through."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from functools import partial

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import Info

from app.api import ask as ask_api
from app.api import browse, jobs, registry, tokens, types
from app.api import explain as explain_api
from app.api import merges as merges_api
from app.api import search as search_api
from app.api.context import Context
from app.api.export import ExportPage, export_page
from app.api.extensions import ErrorCodes, LibrarianSchema, QueryCount, ScopeGate
from app.api.health import Health, check_all
from app.api.pagination import Connection, Node
from app.api.scalars import SCALAR_OVERRIDES
from app.config import Settings


async def _health(info: Info[Context, None]) -> Health:
    return await check_all(info.context.services)


async def _api_tokens(info: Info[Context, None]) -> list[tokens.ApiTokenType]:
    return await tokens.list_tokens(info.context)


async def _create_api_token(
    info: Info[Context, None], name: str, scope: tokens.TokenScopeEnum
) -> tokens.CreatedApiToken:
    return await tokens.create_token(info.context, name, scope)


async def _revoke_api_token(info: Info[Context, None], id: strawberry.ID) -> tokens.ApiTokenType:
    return await tokens.revoke_token(info.context, id)


async def _conversation(info: Info[Context, None], id: strawberry.ID) -> types.Conversation | None:
    return await jobs.get_conversation(info, str(id))


@strawberry.type
class Query:
    conversation: types.Conversation | None = strawberry.field(
        resolver=_conversation, description="A conversation by id."
    )
    job: types.Job | None = strawberry.field(resolver=jobs.get_job, description="A job by id.")
    health: Health = strawberry.field(
        resolver=_health, description="Whether Neo4j, Redis and a worker are up."
    )
    api_tokens: list[tokens.ApiTokenType] = strawberry.field(
        resolver=_api_tokens, description="API tokens (admin scope)."
    )
    node: Node | None = strawberry.field(
        resolver=browse.node, description="Any object by its id (a merged entity: its survivor)."
    )
    conversations: Connection[types.Conversation] = strawberry.field(
        resolver=browse.conversations, description="Conversations, newest first."
    )
    entities: Connection[browse.Entity] = strawberry.field(
        resolver=browse.entities, description="Active entities by id, optionally filtered."
    )
    entity: browse.Entity | None = strawberry.field(
        resolver=browse.entity, description="An entity by id (a merged id: its survivor)."
    )
    facts: Connection[browse.Fact] = strawberry.field(
        resolver=browse.facts, description="Facts by id, optionally of a field or an entity."
    )
    relations: Connection[browse.Relation] = strawberry.field(
        resolver=browse.relations, description="Relations, optionally of one label."
    )
    explain: explain_api.Explanation = strawberry.field(
        resolver=explain_api.explain,
        description="Why a fact or relation exists: its messages, jobs, resolution and merges.",
    )
    export: ExportPage = strawberry.field(
        resolver=export_page,
        description="One page of an export (entities, facts, relations or messages) as text.",
    )
    schema_registry: list[registry.SchemaLabel] = strawberry.field(
        resolver=registry.schema_registry,
        description="Canonical labels (of one kind, or all) with their aliases and usage.",
    )
    merge: merges_api.Merge | None = strawberry.field(
        resolver=merges_api.merge, description="A merge record by id."
    )
    search: Connection[search_api.SearchHit] = strawberry.field(
        resolver=search_api.search,
        description="Entities, facts and messages matching a query: fulltext and vector "
        "rankings fused, plus one hop from the best entities.",
    )
    merges: list[merges_api.Merge] = strawberry.field(
        resolver=merges_api.merges,
        description="Merges with this entity as source or target, newest first (at most 100).",
    )
    split: merges_api.Split | None = strawberry.field(
        resolver=merges_api.split, description="A split record by id."
    )
    splits: list[merges_api.Split] = strawberry.field(
        resolver=merges_api.splits_of,
        description="Splits of this entity or that made it, newest first (at most 100).",
    )


@strawberry.type
class Mutation:
    ingest_conversation: jobs.IngestPayload = strawberry.mutation(
        resolver=jobs.ingest_conversation,
        description="Store a conversation and queue its processing; returns at once.",
    )
    ingest_file: list[jobs.IngestPayload] = strawberry.mutation(
        resolver=jobs.ingest_file,
        description="Store and queue every conversation in a file's text: a transcript, or a "
        "ChatGPT, Claude or Librarian JSON export (read as `librarian ingest` reads files).",
    )
    retry_job: types.Job = strawberry.mutation(
        resolver=jobs.retry_job, description="Queue a FAILED job again."
    )
    create_api_token: tokens.CreatedApiToken = strawberry.mutation(
        resolver=_create_api_token,
        description="Create an API token (admin scope); its secret is returned once.",
    )
    revoke_api_token: tokens.ApiTokenType = strawberry.mutation(
        resolver=_revoke_api_token,
        description="Revoke an API token (admin scope); it is kept, marked revoked.",
    )
    make_label_alias: registry.LabelChange = strawberry.mutation(
        resolver=registry.make_label_alias,
        description="Make a label an alias of a canonical label; its data and aliases move there.",
    )
    make_label_canonical: registry.LabelChange = strawberry.mutation(
        resolver=registry.make_label_canonical,
        description="Make an alias canonical again; data extracted under it moves back.",
    )
    undo_label_change: registry.LabelChange = strawberry.mutation(
        resolver=registry.undo_label_change,
        description="Undo a label change exactly (CONFLICT while a later change depends on it).",
    )
    merge_entities: merges_api.Merge = strawberry.mutation(
        resolver=merges_api.merge_entities,
        description="Merge the source entity into the target; undoable with undoMerge.",
    )
    undo_merge: merges_api.Merge = strawberry.mutation(
        resolver=merges_api.undo_merge,
        description="Undo a merge exactly (CONFLICT while a later merge depends on it).",
    )
    split_entity: merges_api.Split = strawberry.mutation(
        resolver=merges_api.split_entity,
        description="Move chosen facts, relations and mentions of an entity to a new entity; "
        "undoable with undoSplit.",
    )
    undo_split: merges_api.Split = strawberry.mutation(
        resolver=merges_api.undo_split,
        description="Undo a split exactly: what it moved goes back and its new entity goes "
        "(CONFLICT while something since depends on it).",
    )


@strawberry.type
class Subscription:
    job_progress: AsyncGenerator[types.JobProgress, None] = strawberry.subscription(
        resolver=jobs.job_progress,
        description="The job's stored state, then each change, until COMPLETE or FAILED.",
    )
    ask: AsyncGenerator[ask_api.AskEvent, None] = strawberry.subscription(
        resolver=ask_api.ask,
        description="An answer from the conversations, streamed: AskToken events, then one "
        "AskAnswer with the messages it cites.",
    )


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with its limits; ``settings`` only tunes limits, never the SDL."""
    settings = settings or Settings()
    # The depth and alias limiters make a new rule class per instance. Built once here, the
    # rules are the same classes in every operation, which ValidationCache's key needs: made
    # per operation, every lookup missed and each search spent ~5 ms validating again.
    limits = [
        *QueryDepthLimiter(max_depth=settings.graphql_max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases).validation_rules,
    ]
    return LibrarianSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        scalar_overrides=SCALAR_OVERRIDES,
        extensions=[
            # Factories, not instances: an extension instance holds per-operation state.
            partial(AddValidationRules, limits),
            partial(MaxTokensLimiter, max_token_count=settings.graphql_max_tokens),
            # Validating the same document again was ~19% of a page's CPU. (Not ParserCache:
            # it parses without MaxTokensLimiter's limit.)
            partial(ValidationCache, maxsize=256),
            ScopeGate,
            ErrorCodes,
            QueryCount,
        ],
    )
