# PostgreSQL from Debian's package (bookworm: postgresql-15) for the stack's Temporal server
# (temporal-server.Dockerfile). The cluster is made on the volume at first start by postgres-entrypoint.sh:
# superuser POSTGRES_USER (default temporal) with the password POSTGRES_PASSWORD (env_file infra/.env),
# scram-sha-256 over TCP, trust on the container's own Unix socket (docker exec ... psql). The server creates
# its databases itself (temporal-sql-tool). Build context: infra/docker.
# POSTGRES_VERSION is the tag's version (infra/docker/lib.sh POSTGRES_TAG): the build fails when Debian's
# postgresql-15 has moved to another minor release, so the tag never names a version the image does not hold.
ARG BASE_IMAGE=debian:12.8-slim
FROM ${BASE_IMAGE}
ARG POSTGRES_VERSION=15.20
# no "main" cluster made by the package's postinst: the entrypoint makes one on the volume
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/featmap.conf \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && v="$(dpkg-query -W -f '${Version}' postgresql-15)" \
 && case "$v" in "${POSTGRES_VERSION}"-*) ;; *) echo "Debian's postgresql-15 is $v, not ${POSTGRES_VERSION}: set POSTGRES_TAG in infra/docker/lib.sh and infra/compose.yaml" >&2; exit 1 ;; esac \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
 && chmod 700 /var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
EXPOSE 5432
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["postgres-entrypoint"]
