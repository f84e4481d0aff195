# One image for every role of the stack: the API (default command), the
# Prefect server, the workers and the one-shot deploy (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OMP_THREAD_LIMIT=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    DO_NOT_TRACK=1

# Tesseract with French and orientation data, WeasyPrint's libraries
# (harfbuzz-subset makes it 3x faster), fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-fra tesseract-ocr-osd \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN useradd --create-home --uid 10001 app \
    && mkdir -p /data/uploads /data/reports /data/reports_internal \
    && chown -R app:app /data

USER 10001
ENV HOST=0.0.0.0 \
    PORT=8000 \
    UPLOAD_FOLDER=/data/uploads \
    REPORTS_FOLDER=/data/reports \
    REPORTS_INTERNAL_FOLDER=/data/reports_internal \
    INVOICE_OCR_ROOT=/app
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "deployments.healthcheck"]

CMD ["gunicorn", "-c", "deployments/gunicorn.conf.py", "webapp.wsgi:app"]
