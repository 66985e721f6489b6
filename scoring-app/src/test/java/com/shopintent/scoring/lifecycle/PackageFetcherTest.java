package com.shopintent.scoring.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelPackageException;
import com.shopintent.scoring.model.ModelPackageException.Reason;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageFetcherTest {

    @TempDir
    Path work;

    private final Path source = TestModels.packageDir();

    @Test
    void shouldCopyAPackageFromAPathAndAFileUriAndLoadTheSameModel() {
        ModelAnnouncement byPath = Packages.announce(source, ModelRole.CHAMPION);
        ModelAnnouncement byUri = new ModelAnnouncement(byPath.version(), source.toUri().toString(), byPath.sha256(),
                ModelRole.CHAMPION, Instant.now());

        Path fromPath = new PackageFetcher(work.resolve("a")).fetch(byPath);
        Path fromUri = new PackageFetcher(work.resolve("b")).fetch(byUri);

        assertThat(fromPath).isNotEqualTo(source).startsWith(work);
        assertThat(ModelPackage.load(fromPath).version()).isEqualTo(byPath.version());
        assertThat(ModelPackage.packageSha256(fromUri)).isEqualTo(byPath.sha256());
        assertThat(fromPath.toFile().list()).containsExactlyInAnyOrder(source.toFile().list());
    }

    @Test
    void shouldFetchEveryFileOfAPackageOverHttpOnceAndReuseTheCopy() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/packages/v1/", exchange -> {
            requests.incrementAndGet();
            Path file = source.resolve(exchange.getRequestURI().getPath().substring("/packages/v1/".length()));
            byte[] body = Files.isRegularFile(file) ? Files.readAllBytes(file) : "not found".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Files.isRegularFile(file) ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            ModelAnnouncement local = Packages.announce(source, ModelRole.CHALLENGER);
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/packages/v1";
            ModelAnnouncement remote = new ModelAnnouncement(local.version(), url, local.sha256(), ModelRole.CHALLENGER, Instant.now());
            PackageFetcher fetcher = new PackageFetcher(work);

            Path copy = fetcher.fetch(remote);
            int firstFetch = requests.get();
            Path again = fetcher.fetch(remote);

            assertThat(ModelPackage.load(copy).version()).isEqualTo(local.version());
            assertThat(firstFetch).isEqualTo(source.toFile().list().length);
            assertThat(again).isEqualTo(copy);
            assertThat(requests.get()).as("no request for a package already copied").isEqualTo(firstFetch);

            ModelAnnouncement missing = new ModelAnnouncement(local.version(), url + "-gone", local.sha256(), ModelRole.CHALLENGER, Instant.now());
            assertThatThrownBy(() -> new PackageFetcher(work.resolve("other")).fetch(missing))
                    .isInstanceOf(ModelPackageException.class).hasMessageContaining("404")
                    .satisfies(e -> assertThat(((ModelPackageException) e).reason()).isEqualTo(Reason.UNREADABLE));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldRefuseMetadataOtherThanTheAnnouncedOneBeforeCopyingAnyOtherFile() {
        ModelAnnouncement good = Packages.announce(source, ModelRole.CHAMPION);
        ModelAnnouncement other = new ModelAnnouncement(good.version(), good.location(), "a".repeat(64), ModelRole.CHAMPION, Instant.now());

        assertThatThrownBy(() -> new PackageFetcher(work).fetch(other))
                .isInstanceOf(ModelPackageException.class).hasMessageContaining("sha256")
                .satisfies(e -> assertThat(((ModelPackageException) e).reason()).isEqualTo(Reason.CHECKSUM));
        assertThat(work.toFile().list()).as("nothing left behind").isEmpty();
    }

    @Test
    void shouldRefuseARelativeLocationAndAFileNameThatLeavesThePackage() throws IOException {
        ModelAnnouncement good = Packages.announce(source, ModelRole.CHAMPION);
        ModelAnnouncement relative = new ModelAnnouncement(good.version(), "models/v1", good.sha256(), ModelRole.CHAMPION, Instant.now());
        assertThatThrownBy(() -> new PackageFetcher(work).fetch(relative)).hasMessageContaining("absolute");

        Path escaping = Packages.copy(source, work.resolve("escaping"));
        String metadata = Files.readString(escaping.resolve(ModelPackage.METADATA_FILE));
        Files.writeString(escaping.resolve(ModelPackage.METADATA_FILE), metadata.replace("\"" + ModelPackage.GOLDEN_FILE + "\"", "\"../golden.json\""));
        assertThatThrownBy(() -> new PackageFetcher(work.resolve("fetched")).fetch(Packages.announce(escaping, ModelRole.CHAMPION)))
                .isInstanceOf(ModelPackageException.class).hasMessageContaining("../golden.json")
                .satisfies(e -> assertThat(((ModelPackageException) e).reason()).isEqualTo(Reason.FORMAT));
    }
}
