# syntax=docker/dockerfile:1
# The scoring application's image:  docker build -t shop-intent-scoring:0.1.0-SNAPSHOT .
# The same runtime (base, user, port, JVM flags, command) comes without Docker from Jib:
# mvn -B -Pimage -DskipTests package jib:build (scoring-app/pom.xml). docs/DEPLOY.md#the-image.

# Build: Maven and JDK 17 make the shaded jar. The tests run in CI (mvn -B verify), not here.
FROM maven:3.9-eclipse-temurin-17 AS build
# XGBoost's native library, which training loads, links OpenMP's runtime; the JDK image lacks it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY pom.xml ./
COPY scoring-app/pom.xml scoring-app/
COPY data data
COPY scoring-app/src/main scoring-app/src/main
RUN --mount=type=cache,target=/var/cache/maven mvn -B -q -Dmaven.repo.local=/var/cache/maven -Dmaven.test.skip=true package
# The default model package, trained on the shipped data set: the init container copies it when
# no champion has been announced yet. Trained here because the runtime image has no shell to run
# a build step in. Also the directories the application writes, created empty here and copied
# owned by its user: the runtime image cannot mkdir or chown.
RUN java -jar scoring-app/target/scoring-app.jar train --out /build/model \
    && mkdir -p /build/writable/var/lib/scoring /build/writable/models

# OpenMP's runtime from the Debian release the runtime image is made of, so that `train` and
# `models import` (native XGBoost) also run in the image; `run` never loads native XGBoost.
FROM debian:13-slim AS openmp
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

# The class-data archive (AppCDS) that takes about a second off the start (docs/benchmarks.md): a
# short run of the pipeline under load, against a broker the command starts, in the runtime image
# itself. An archive holds only for the JVM build that wrote it and the same jar (path, size, time),
# so it is made by the runtime image's JVM from the jar copied from the same stage. Exec form: the
# image has no shell. A JVM that cannot use the archive starts without it.
FROM gcr.io/distroless/java17-debian13 AS classes
COPY --from=build /build/scoring-app/target/scoring-app.jar /opt/scoring/scoring-app.jar
COPY --from=build /build/model /opt/scoring/model
RUN ["java", "-jar", "/opt/scoring/scoring-app.jar", "class-archive", "--model", "/opt/scoring/model", "--out", "/opt/scoring/scoring.jsa"]

# Run: distroless Java 17 on Debian 13: glibc (RocksDB's and XGBoost's native libraries need it,
# not musl), a JRE and CA certificates; no shell, no package manager, nothing an intruder could
# use to fetch or run tools. amd64: the path of libgomp below is amd64's.
FROM gcr.io/distroless/java17-debian13
COPY --from=openmp /usr/lib/x86_64-linux-gnu/libgomp.so.1* /usr/lib/x86_64-linux-gnu/
# A fixed non-root uid (the pods' runAsUser). The root filesystem can be read-only: the
# application writes only to /tmp (native libraries unpacked), /var/lib/scoring (state) and
# /models (model packages), each a volume in Kubernetes.
COPY --from=build --chown=10001:10001 /build/writable/ /
COPY --from=build /build/scoring-app/target/scoring-app.jar /opt/scoring/scoring-app.jar
COPY --from=build /build/model /opt/scoring/model
COPY --from=classes /opt/scoring/scoring.jsa /opt/scoring/scoring.jsa
WORKDIR /opt/scoring
USER 10001:10001
EXPOSE 8080
# Half the container's memory for the heap unless -Xmx is given (JAVA_TOOL_OPTIONS in the
# StatefulSet): the other half is for RocksDB, off-heap. Out of memory: exit, to be restarted.
# Exec form, so no shell is needed to start it. The class-data archive: see the classes stage.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", "-XX:SharedArchiveFile=/opt/scoring/scoring.jsa", "-jar", "/opt/scoring/scoring-app.jar"]
CMD ["run"]
