# En Commun — one image for web (gunicorn), worker (celery) and beat (celery beat).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    STATIC_MANIFEST=true \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media \
    NUMBA_CACHE_DIR=/app/var/numba

WORKDIR /app
RUN useradd --create-home --uid 1000 encommun

COPY pyproject.toml README.md ./
COPY config ./config
COPY participation ./participation
COPY proposals ./proposals
COPY votes ./votes
COPY frontend ./frontend
COPY manage.py ./
RUN pip install . \
    && mkdir -p var/static var/media \
    && DEBUG=true python manage.py compiletranslations \
    && DEBUG=true python manage.py collectstatic --noinput \
    && python -c "import votes.rules; votes.rules.warm_up()" \
    && chown -R encommun:encommun /app/var

USER encommun
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
