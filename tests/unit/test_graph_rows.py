"""Statements rewritten to return their rows as one record (app/graph/rows.py)."""

from __future__ import annotations

from app.graph.rows import collected


def test_a_plain_return_becomes_one_collected_list() -> None:
    assert collected(
        "MATCH (n:Entity) WHERE n.id > $after RETURN n {.id} AS e ORDER BY n.id LIMIT $limit"
    ) == (
        "MATCH (n:Entity) WHERE n.id > $after WITH n {.id} AS e ORDER BY n.id LIMIT $limit "
        "RETURN collect({e: e}) AS __rows"
    )
    assert collected("UNWIND $ids AS i MATCH (n {id: i}) RETURN DISTINCT i, n.x AS x") == (
        "UNWIND $ids AS i MATCH (n {id: i}) WITH DISTINCT i, n.x AS x "
        "RETURN collect({i: i, x: x}) AS __rows"
    )


def test_shapes_it_cannot_name_are_left_alone() -> None:
    assert collected("MATCH (x) RETURN x.a + x.b") is None  # an unnamed column
    assert collected("CALL () { MATCH (a) RETURN a }") is None  # RETURN inside a subquery
    assert collected("MATCH (x) RETURN x AS a, x.y AS a") is None
