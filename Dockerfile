# FMS Records, served by gunicorn. Static files are collected at build time (whitenoise serves them).
FROM python:3.13.9-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY fms ./fms
RUN pip install .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY docker/entrypoint.sh /usr/local/bin/fms-entrypoint
RUN DEBUG=0 SECRET_KEY=collectstatic-only DATABASE_URL=postgres://unused@localhost/unused \
        python manage.py collectstatic --no-input --verbosity 0 \
    && useradd --system --no-create-home --uid 10001 fms \
    && mkdir -p /app/var/read-audit && chown fms /app/var/read-audit

USER fms
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
ENTRYPOINT ["fms-entrypoint"]
CMD ["gunicorn", "fms.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", \
     "--no-control-socket", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
