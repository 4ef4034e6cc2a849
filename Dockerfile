# Builds and runs the API. Production uses PostgreSQL through DATABASE_URL, e.g.
#   docker build -t safety-duty .
#   docker run -p 8000:8000 -e DATABASE_URL=postgresql://user:pass@db:5432/safety \
#              -e SECRET_KEY=... safety-duty
# The container migrates the database on start; demo data is off unless LOAD_DEMO_DATA=true.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    ENVIRONMENT=production \
    LOAD_DEMO_DATA=false

WORKDIR /app
COPY pyproject.toml README.md ./
COPY api ./api
COPY domain ./domain
COPY authz ./authz
COPY migrations ./migrations
COPY seeds ./seeds
COPY alembic.ini schema.graphql ./
RUN pip install . && useradd --system --home /app safety && chown -R safety /app
USER safety

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["python", "-m", "api", "serve", "--host", "0.0.0.0", "--port", "8000"]
