package com.shopintent.scoring.lifecycle;

import com.shopintent.scoring.model.ModelMetadata;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelPackageException;
import com.shopintent.scoring.model.ModelPackageException.Reason;
import com.shopintent.scoring.model.ScoringModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Copies an announced package into a local directory, so that what is verified is what is loaded
 * (a shared directory can change between two reads). The metadata comes first and must have the
 * announced sha256; it then names every other file to copy. A copy is kept under the version and
 * sha256, so a restart or a role change does not fetch it again.
 */
public final class PackageFetcher {

    /** Far larger than any package file (150 trees of depth 4 are about 200 KB); a larger file is refused, not stored. */
    static final int MAX_FILE_BYTES = 64 * 1024 * 1024;
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private HttpClient http;

    /** @param root where local copies go; created if needed */
    public PackageFetcher(Path root) {
        this.root = root;
    }

    /** The local, complete copy of the announced package; it still has to pass {@link ModelPackage#load}. */
    public Path fetch(ModelAnnouncement announcement) {
        Path target = root.resolve(announcement.version().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + announcement.sha256().substring(0, 16));
        if (Files.isRegularFile(target.resolve(ModelPackage.METADATA_FILE))) {
            return target;
        }
        Path partial = null;
        try {
            Files.createDirectories(root);
            partial = Files.createTempDirectory(root, ".fetching-");
            Path metadataFile = partial.resolve(ModelPackage.METADATA_FILE);
            copy(announcement.location(), ModelPackage.METADATA_FILE, metadataFile);
            String sha256 = ModelPackage.sha256(metadataFile);
            if (!sha256.equals(announcement.sha256())) {
                throw new ModelPackageException(Reason.CHECKSUM, announcement.location() + ": " + ModelPackage.METADATA_FILE
                        + " has sha256 " + sha256 + ", the announcement says " + announcement.sha256());
            }
            ModelMetadata metadata = ModelPackage.readMetadata(partial);
            if (metadata.files() != null) {
                for (String file : metadata.files().keySet()) {
                    if (!file.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                        throw new ModelPackageException(Reason.FORMAT, announcement.location() + ": file name '" + file + "' is not a plain file name");
                    }
                    copy(announcement.location(), file, partial.resolve(file));
                }
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new ModelPackageException(Reason.UNREADABLE, "cannot fetch the package at " + announcement.location() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelPackageException(Reason.UNREADABLE, "interrupted while fetching " + announcement.location(), e);
        } finally {
            deleteQuietly(partial);
        }
    }

    /**
     * Fetches the announced package and loads it with every check of {@link ModelPackage#load}, and
     * that it is the announced version. A copy that fails is not kept: once the source is mended,
     * the same announcement fetches it afresh.
     */
    public ScoringModel fetchAndLoad(ModelAnnouncement announcement) {
        Path local = fetch(announcement);
        try {
            ScoringModel model = ModelPackage.load(local);
            if (!model.version().equals(announcement.version())) {
                throw new ModelPackageException(Reason.CHECKSUM, "the announcement names version " + announcement.version()
                        + " but the package at " + announcement.location() + " is " + model.version());
            }
            return model;
        } catch (ModelPackageException e) {
            deleteQuietly(local);
            throw e;
        }
    }

    private void copy(String location, String file, Path to) throws IOException, InterruptedException {
        try (InputStream in = open(location, file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            Files.write(to, bytes);
        }
    }

    private InputStream open(String location, String file) throws IOException, InterruptedException {
        if (location.startsWith("http://") || location.startsWith("https://")) {
            URI uri = URI.create(location.endsWith("/") ? location : location + "/").resolve(file);
            HttpResponse<InputStream> response = client().send(HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException("GET " + uri + " answered " + response.statusCode());
            }
            return response.body();
        }
        Path dir = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        if (!dir.isAbsolute()) {
            throw new IOException("location '" + location + "' is neither an absolute path, a file: URI nor an http(s) URL");
        }
        return Files.newInputStream(dir.resolve(file));
    }

    private synchronized HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        return http;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover partial copy under a dot name is never read; the next fetch uses a new one.
        }
    }
}
