"""The API serves the built UI at /, and its client-side routes, without shadowing the API."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.asgi import create_app
from tests.conftest import Services

INDEX = "<!doctype html><title>Librarian UI</title><div id=root></div>"


@pytest.fixture
def ui(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log('ui')")
    return tmp_path


async def _get(services: Services, ui_dir: Path, path: str) -> httpx.Response:
    app = create_app(services.settings, ui_dir=ui_dir)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://ui") as client:
        return await client.get(path)


async def test_the_ui_and_its_links_open_on_any_client_route(services: Services, ui: Path) -> None:
    # /export is the UI's export page; the API's downloads are under /export/ (below).
    for path in ("/", "/search", "/entities/ent_1", "/graph/ent_1?depth=2", "/export"):
        response = await _get(services, ui, path)
        assert response.status_code == 200, path
        assert response.text == INDEX, path
    asset = await _get(services, ui, "/assets/app-1a2b.js")
    assert asset.text == "console.log('ui')"
    assert "javascript" in asset.headers["content-type"]


async def test_a_missing_asset_is_not_answered_with_the_page(services: Services, ui: Path) -> None:
    assert (await _get(services, ui, "/assets/app-gone.js")).status_code == 404


async def test_the_api_keeps_its_routes_and_its_auth(services: Services, ui: Path) -> None:
    graphql = await _get(services, ui, "/graphql?query={health{ok}}")
    assert graphql.status_code == 401
    assert (await _get(services, ui, "/export/entities")).status_code == 401
    assert (await _get(services, ui, "/healthz")).json() == {"status": "ok"}


async def test_without_a_built_ui_the_root_says_how_to_use_the_api(
    services: Services, tmp_path: Path
) -> None:
    response = await _get(services, tmp_path, "/")
    assert response.status_code == 200
    assert "GraphiQL" in response.text


async def test_behind_a_path_prefix_the_api_still_needs_a_token(
    services: Services, ui: Path
) -> None:
    """Served under --root-path (a reverse proxy's prefix), requests carry the prefix in their
    path; the token check must see the route, as the router does."""
    app = create_app(services.settings, ui_dir=ui)
    transport = httpx.ASGITransport(app=app, root_path="/librarian")
    async with httpx.AsyncClient(transport=transport, base_url="http://ui") as client:
        export = await client.get("/librarian/export/entities")
        graphql = await client.post(
            "/librarian/graphql", json={"query": "{ health { neo4j { ok } } }"}
        )
        page = await client.get("/librarian/search")
    assert export.status_code == 401
    assert graphql.status_code == 401
    assert page.text == INDEX
