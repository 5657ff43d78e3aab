# syntax=docker/dockerfile:1.7
# The reporting service (management information). Build from the repository root:
#   docker build -f deploy/docker/reporting.Dockerfile -t berichten/reporting .
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md ./
COPY services ./services
COPY schemas ./schemas
COPY migrations ./migrations
RUN pip wheel --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SERVICE_NAME=reporting PORT=8005 LOG_JSON=true PARTIES_FILE=/etc/berichten/parties.yaml
RUN groupadd --system --gid 10001 berichten \
 && useradd --system --uid 10001 --gid berichten --home-dir /app --shell /usr/sbin/nologin berichten
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels
USER 10001:10001
EXPOSE 8005
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health/ready', timeout=2)"]
CMD ["sh", "-c", "exec berichten serve reporting --host 0.0.0.0 --port ${PORT} --workers ${WORKERS:-1}"]
