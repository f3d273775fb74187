# Image for the api, worker and migrate services of docker-compose.yml.
FROM python:3.11-slim
WORKDIR /srv/librarian
COPY pyproject.toml README.md ./
COPY app ./app
COPY cypher ./cypher
COPY schema.graphql ./
# Editable, so app/ finds cypher/ beside it.
RUN pip install --no-cache-dir -e .
ENV LIBRARIAN_LOG_FORMAT=json
EXPOSE 8000
