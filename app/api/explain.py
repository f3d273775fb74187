"""``explain(id)``: why a fact or relation exists.

It returns the messages that say it (with conversation, speaker and timestamp), the jobs and
extractor that read them, and the resolution decisions and merges that put it on its entities.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.scalars import native
from app.api.types import Fact, Job, Message, Relation
from app.errors import BadInput, NotFound
from app.graph import explain as graph_explain
from app.graph.jobs import JobStore


@strawberry.type(description="One measured reason behind a resolution decision.")
class Feature:
    name: str
    value: float


@strawberry.type(description="The second-best candidate of a resolution decision.")
class RunnerUp:
    id: strawberry.ID
    name: str
    score: float


@strawberry.type(
    description="How a job decided which entity a mention is: matched an existing one, "
    "created a new one, or found two equally good candidates (ambiguous) and created a new one."
)
class ResolutionDecision:
    id: strawberry.ID
    entity_id: strawberry.ID = strawberry.field(description="The entity the mention became.")
    mention: str = strawberry.field(description="The name the job saw.")
    names: list[str] = strawberry.field(description="Every normalised name it answered to.")
    outcome: str = strawberry.field(description="matched, new or ambiguous.")
    rule: str = strawberry.field(description="exact, nickname, fuzzy or none.")
    score: float
    candidate_name: str | None = strawberry.field(
        description="The best candidate considered (the closest one, even when not taken)."
    )
    candidates: int = strawberry.field(description="How many candidates the indexes offered.")
    features: list[Feature]
    runner_up: RunnerUp | None
    job_id: strawberry.ID
    extractor: str | None
    created_at: datetime | None

    @classmethod
    def from_row(cls, r: dict[str, Any]) -> ResolutionDecision:
        runner = json.loads(r["runner_up"]) if r.get("runner_up") else None
        features = json.loads(r.get("features") or "{}")
        return cls(
            id=strawberry.ID(r["id"]),
            entity_id=strawberry.ID(r["entity_id"]),
            mention=r["mention"],
            names=list(r.get("names") or []),
            outcome=r["outcome"],
            rule=r["rule"],
            score=float(r["score"]),
            candidate_name=r.get("candidate_name"),
            candidates=int(r.get("candidates") or 0),
            features=[Feature(name=k, value=float(v)) for k, v in sorted(features.items())],
            runner_up=RunnerUp(
                id=strawberry.ID(runner["id"]), name=runner["name"], score=runner["score"]
            )
            if runner
            else None,
            job_id=strawberry.ID(r["job_id"]),
            extractor=r.get("extractor"),
            created_at=native(r.get("created_at")),
        )


@strawberry.type(description="A merge that involved one of the entities.")
class MergeEvent:
    id: strawberry.ID
    source_id: strawberry.ID = strawberry.field(description="The entity merged away.")
    target_id: strawberry.ID = strawberry.field(description="The entity that survived.")
    status: str = strawberry.field(description="active or undone.")
    created_at: datetime | None
    undone_at: datetime | None
    actor: str | None


@strawberry.type(description="The other side of a history link, with the messages that say it.")
class HistorySide:
    fact: Fact | None
    relation: Relation | None
    messages: list[Message] = strawberry.field(
        description="The messages that say it, in conversation order (the first 100)."
    )

    @classmethod
    def from_found(cls, side: dict[str, Any] | None) -> HistorySide | None:
        if side is None:
            return None
        return cls(
            fact=Fact.from_row(side["fact"]) if side["fact"] else None,
            relation=Relation.from_row(side["relation"]) if side["relation"] else None,
            messages=[Message.from_row(m) for m in side["messages"]],
        )


@strawberry.type(description="Why a fact or relation exists.")
class Explanation:
    fact: Fact | None
    relation: Relation | None
    messages: list[Message] = strawberry.field(
        description="The messages that say it, in conversation order (the first 100)."
    )
    message_count: int = strawberry.field(description="How many messages say it in all.")
    extractor: str | None = strawberry.field(description="The extractor that first produced it.")
    produced_by: Job | None = strawberry.field(description="The job that first produced it.")
    jobs: list[Job] = strawberry.field(description="Jobs of every conversation that says it.")
    decisions: list[ResolutionDecision] = strawberry.field(
        description="How those jobs resolved the mentions into its entities."
    )
    merges: list[MergeEvent] = strawberry.field(description="Merges involving its entities.")
    superseded_by: HistorySide | None = strawberry.field(
        description="The newer value that superseded it (a single-valued field or relation)."
    )
    supersedes: HistorySide | None = strawberry.field(description="The older value it superseded.")


async def explain(info: Info[Context, None], id: strawberry.ID) -> Explanation:
    node_id = str(id)
    if not node_id.startswith(("fact_", "rel_")):
        raise BadInput("explain takes the id of a fact (fact_…) or a relation (rel_…)")
    found = await graph_explain.explain(info.context.db, node_id)
    if found is None:
        raise NotFound(f"no fact or relation {node_id!r}")
    store = JobStore(info.context.services.driver, info.context.database)
    jobs: list[Job] = []
    for job_id in found["job_ids"]:
        try:
            jobs.append(Job.from_stored(await store.get(job_id)))
        except NotFound:  # a job id on an imported fact whose job was not exported
            continue
    produced_by = next((j for j in jobs if j.id == found["produced_by"]), None)
    return Explanation(
        fact=Fact.from_row(found["fact"]) if found["fact"] else None,
        relation=Relation.from_row(found["relation"]) if found["relation"] else None,
        messages=[Message.from_row(m) for m in found["messages"]],
        message_count=found["message_count"],
        extractor=found["extractor"],
        produced_by=produced_by,
        jobs=jobs,
        decisions=[ResolutionDecision.from_row(r) for r in found["decisions"]],
        merges=[
            MergeEvent(
                id=strawberry.ID(m["id"]),
                source_id=strawberry.ID(m["source_id"]),
                target_id=strawberry.ID(m["target_id"]),
                status=m["status"],
                created_at=native(m.get("created_at")),
                undone_at=native(m.get("undone_at")),
                actor=m.get("actor"),
            )
            for m in found["merges"]
        ],
        superseded_by=HistorySide.from_found(found["superseded_by"]),
        supersedes=HistorySide.from_found(found["supersedes"]),
    )
