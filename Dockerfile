# Loyalty Ladder for a team: the app on port 8501, the workspace on the volume /data.
#   docker build -t loyalty-ladder .
#   docker run -d -p 127.0.0.1:8501:8501 -v ladder-data:/data \
#     -v "$PWD/.streamlit/secrets.toml:/app/.streamlit/secrets.toml:ro" loyalty-ladder
# The app refuses to start on the network without sign-in in the secrets file (README: "Running it for a team").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LADDER_WORKSPACE=/data/workspace

WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY app.py ./
COPY pages ./pages
COPY lib ./lib
COPY sample_data ./sample_data
COPY .streamlit/config.toml ./.streamlit/config.toml

RUN useradd --create-home --uid 10001 ladder && mkdir -p /data && chown ladder /data
USER ladder
VOLUME ["/data"]
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["python", "-m", "lib", "serve", "--address", "0.0.0.0", "--port", "8501"]
