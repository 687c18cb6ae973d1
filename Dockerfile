# SAFE-T Desk image. See docs/deploy.md.
#   docker build -t safet .
#   docker run --env-file .env -p 3000:3000 safet              # HTTP (safet serve)
#   docker run --env-file .env --no-healthcheck safet safet socket   # Socket Mode

# Build wheels for the app and its dependencies; the source tree (and any local
# .venv in the build context) stays in this stage.
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
# psycopg is listed explicitly so the image can use postgresql+psycopg:// URLs.
# The image reads Amazon's ledger too (the optional extra: docs/ledger.md).
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[ledger]" "psycopg[binary]>=3.1"

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin safet \
    && mkdir -p /data \
    && chown safet:safet /data

# The default DATABASE_URL is an SQLite file in the working directory, so the
# working directory must be writable by the app user (mount a volume here).
WORKDIR /data
USER safet
EXPOSE 3000

# Probes the HTTP server started by `safet serve`. Containers running
# `safet socket`, `safet sweep` or `safet db upgrade` should disable it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]

CMD ["safet", "serve", "--host", "0.0.0.0", "--port", "3000"]
