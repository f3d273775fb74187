"""A stage's output kept on its Job (for a resume, by this worker or another) and in memory
(for the next stage of the same run)."""

from __future__ import annotations

from typing import Any

from app.graph.jobs import Job, JobStore

__all__ = ["Checkpoints"]


class Checkpoints:
    def __init__(self, jobs: JobStore) -> None:
        self._jobs = jobs
        # Stage outputs of the jobs running in this process; a resumed job reads them from Neo4j.
        self._kept: dict[tuple[str, str], Any] = {}

    async def save(self, job: Job, name: str, payload: Any) -> None:
        await self._jobs.save_checkpoint(job, name, payload)
        self._kept[(job.id, name)] = payload

    async def load(self, job_id: str, name: str) -> Any | None:
        if (job_id, name) in self._kept:
            return self._kept[(job_id, name)]
        return await self._jobs.load_checkpoint(job_id, name)

    def forget(self, job_id: str) -> None:
        for key in [k for k in self._kept if k[0] == job_id]:
            del self._kept[key]
