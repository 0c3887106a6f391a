# assetmap, hosted: the Streamlit app on a PostGIS workspace (see compose.yaml and docs/hosting.md).
# Wheels bring GDAL/GEOS/PROJ (pyogrio, shapely, pyproj) and libpq (psycopg[binary]): no system libraries.
# Docker does not run on the test machines: tests/test_hosting.py builds this image's file tree from the
# COPY lines below and starts the app from it exactly as CMD does (same command line, same ENV).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 10001 assetmap
WORKDIR /app

# Installed in place (-e), as the README does: the app finds data/, static/ and pages/ beside it.
# At the versions the tests passed with (constraints.txt).
COPY pyproject.toml constraints.txt README.md LICENSE app.py ./
COPY assetmap ./assetmap
COPY pages ./pages
COPY static ./static
COPY data ./data
# Streamlit's settings: static serving (Leaflet from /app/static, so maps draw without a CDN), assetmap's
# own page menu instead of Streamlit's, the upload limit and the theme. Only config.toml: never a
# secrets.toml (mount it at run time, see docs/access.md, "Signing in with OpenID Connect").
COPY .streamlit/config.toml ./.streamlit/config.toml
RUN pip install -c constraints.txt -e . \
 && mkdir -p /backups /site && chown assetmap:assetmap /backups /site

USER assetmap
EXPOSE 8501
# Anonymous visitors get the public view only; coordinators sign in (docs/access.md, "Who an anonymous visitor is").
# Where Streamlit listens is set here, not on the command line, so that an environment (compose, a test on
# loopback) can change it; these override .streamlit/config.toml's address = "localhost".
# ASSETMAP_LOG=- writes the structured log (JSON lines, no personal data) to stderr: docker logs shows it.
ENV ASSETMAP_ACCESS=public \
    ASSETMAP_LOG=- \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
CMD ["streamlit", "run", "app.py"]
