# syntax=docker/dockerfile:1
# The scoring application's image:  docker build -t shop-intent-scoring:0.1.0-SNAPSHOT .
# The same image (base, user, port, JVM flags, command) comes without Docker from Jib:
# mvn -B -Pimage -DskipTests package jib:build (scoring-app/pom.xml). docs/DEPLOY.md#the-image.

# Build: Maven and JDK 17 make the shaded jar. The tests run in CI (mvn -B verify), not here.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml ./
COPY scoring-app/pom.xml scoring-app/
COPY data data
COPY scoring-app/src/main scoring-app/src/main
RUN --mount=type=cache,target=/var/cache/maven mvn -B -q -Dmaven.repo.local=/var/cache/maven -Dmaven.test.skip=true package

# Run: a glibc JRE (RocksDB's and XGBoost's native libraries need glibc, not musl) on Ubuntu.
FROM eclipse-temurin:17-jre
# XGBoost's native library links OpenMP's runtime; the JRE image does not have it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*
# A fixed non-root uid (the pods' runAsUser). The root filesystem can be read-only: the
# application writes only to /tmp (native libraries unpacked), /var/lib/scoring (state) and
# /models (model packages), each a volume in Kubernetes.
RUN groupadd --system --gid 10001 scoring \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/scoring \
       --shell /usr/sbin/nologin scoring \
    && mkdir -p /var/lib/scoring /models \
    && chown 10001:10001 /var/lib/scoring /models
COPY --from=build /build/scoring-app/target/scoring-app.jar /opt/scoring/scoring-app.jar
# The default model package, trained on the shipped data set: the init container copies it when
# no champion has been announced yet. Training here also proves that the native libraries load.
RUN java -jar /opt/scoring/scoring-app.jar train --out /opt/scoring/model \
    && rm -rf /tmp/*
WORKDIR /opt/scoring
USER 10001:10001
EXPOSE 8080
# Half the container's memory for the heap unless -Xmx is given (JAVA_TOOL_OPTIONS in the
# StatefulSet): the other half is for RocksDB, off-heap. Out of memory: exit, to be restarted.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/scoring/scoring-app.jar"]
CMD ["run"]
