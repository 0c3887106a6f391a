# assetmap, hosted: the Streamlit app on a PostGIS workspace (see compose.yaml and README, "Hosted on PostGIS").
# Wheels bring GDAL/GEOS/PROJ (pyogrio, shapely, pyproj) and libpq (psycopg[binary]): no system libraries.
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
RUN pip install -c constraints.txt -e .

USER assetmap
EXPOSE 8501
# Anonymous visitors get the public view only; coordinators sign in (README, "Who an anonymous visitor is").
ENV ASSETMAP_ACCESS=public
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true", \
     "--browser.gatherUsageStats=false"]
