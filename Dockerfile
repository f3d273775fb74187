# Image for the api, worker and migrate services of docker-compose.yml.

# The UI, built once; only frontend/dist goes into the image.
FROM node:22-slim AS ui
WORKDIR /src
COPY frontend/package.json frontend/package-lock.json ./frontend/
RUN cd frontend && npm ci --no-audit --no-fund --loglevel=error
COPY schema.graphql ./
COPY frontend ./frontend
RUN cd frontend && npm run build

FROM python:3.11-slim
WORKDIR /srv/librarian
# uv pinned by hash; it installs exactly what uv.lock pins (docs/adr/0012).
COPY runtime/uv-requirements.txt ./runtime/
RUN pip install --no-cache-dir --require-hashes -r runtime/uv-requirements.txt
COPY pyproject.toml uv.lock README.md ./
COPY app ./app
COPY cypher ./cypher
COPY schema.graphql ./
# Into the image's own Python, editable, so app/ finds cypher/ beside it.
ENV UV_PROJECT_ENVIRONMENT=/usr/local UV_PYTHON_DOWNLOADS=never
RUN uv sync --locked --no-cache
# The API serves the UI from frontend/dist beside app/.
COPY --from=ui /src/frontend/dist ./frontend/dist
ENV LIBRARIAN_LOG_FORMAT=json
EXPOSE 8000
