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
COPY pyproject.toml README.md ./
COPY app ./app
COPY cypher ./cypher
COPY schema.graphql ./
# Editable, so app/ finds cypher/ beside it.
RUN pip install --no-cache-dir -e .
# The API serves the UI from frontend/dist beside app/.
COPY --from=ui /src/frontend/dist ./frontend/dist
ENV LIBRARIAN_LOG_FORMAT=json
EXPOSE 8000
