package com.shopintent.scoring.model;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.features.FeatureSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * A model package: a directory with the booster in XGBoost's JSON format ({@value #BOOSTER_FILE},
 * what the stream scores with), the golden set ({@value #GOLDEN_FILE}), for a model trained here
 * the Tribuo model ({@value #TRIBUO_FILE}, protobuf, for offline checks), and
 * {@value #METADATA_FILE}, which names the sha256 of every other file. The sha256 of the metadata
 * file therefore identifies the whole package ({@link #packageSha256}).
 *
 * <p>Loading checks, in order: the format, every file's sha256, the feature schema, that the
 * booster compiles, and that the compiled scorer reproduces the golden set. Nothing in a package is
 * Java-deserialized on the way to the stream.
 */
public final class ModelPackage {

    public static final String TRIBUO_FILE = "model.tribuo";
    public static final String BOOSTER_FILE = "booster.json";
    public static final String GOLDEN_FILE = "golden.json";
    public static final String METADATA_FILE = "metadata.json";
    /** {@link ModelMetadata#origin} of a model trained by {@code ./scoring train}. */
    public static final String ORIGIN_TRAINED = "trained with Tribuo XGBoost";

    private ModelPackage() {
    }

    /** Writes a trained model as a package into {@code dir} (created if needed) and returns its metadata. */
    public static ModelMetadata write(Path dir, ModelTrainer.Trained trained, TrainingSettings settings,
                                      String dataSource, String dataSha256) {
        try {
            Files.createDirectories(dir);
            trained.model().serializeToFile(dir.resolve(TRIBUO_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model package to " + dir, e);
        }
        return write(dir, trained.boosterJson(), trained.golden(), List.of(TRIBUO_FILE), draft -> new ModelMetadata(
                ModelMetadata.FORMAT_VERSION, draft.version(), draft.createdAt(), ORIGIN_TRAINED, FeatureSchema.LABEL,
                trained.positiveClass(), trained.modelFeatures(), FeatureSchema.SCHEMA_HASH,
                new ModelMetadata.TrainingData(dataSource, dataSha256, trained.trainRows(), trained.testRows()),
                settings, trained.metrics(), draft.files()));
    }

    /** What every package's metadata shares, known once its files are written. */
    public record Draft(String version, String createdAt, Map<String, String> files) {
    }

    /**
     * Writes the booster and golden set into {@code dir} next to the {@code otherFiles} already
     * there, then the metadata that {@code metadata} makes from the {@link Draft}.
     */
    public static ModelMetadata write(Path dir, byte[] boosterJson, GoldenSet golden, List<String> otherFiles,
                                      Function<Draft, ModelMetadata> metadata) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(BOOSTER_FILE), boosterJson);
            golden.write(dir.resolve(GOLDEN_FILE));
            Map<String, String> files = new LinkedHashMap<>();
            for (String file : otherFiles) {
                files.put(file, sha256(dir.resolve(file)));
            }
            files.put(BOOSTER_FILE, sha256(dir.resolve(BOOSTER_FILE)));
            files.put(GOLDEN_FILE, sha256(dir.resolve(GOLDEN_FILE)));
            // Content-addressed: the same trees are the same version, on any machine.
            String version = "xgb-" + files.get(BOOSTER_FILE).substring(0, 12);
            ModelMetadata written = metadata.apply(new Draft(version, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), files));
            writeMetadata(dir, written);
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model package to " + dir, e);
        }
    }

    /** Reads and checks the package in {@code dir}, and compiles its booster for scoring. */
    public static ScoringModel load(Path dir) {
        ModelMetadata metadata = readMetadata(dir);
        verifyFiles(dir, metadata);
        byte[] booster;
        try {
            booster = Files.readAllBytes(dir.resolve(BOOSTER_FILE));
        } catch (IOException e) {
            throw new ModelPackageException(ModelPackageException.Reason.UNREADABLE, "cannot read " + dir.resolve(BOOSTER_FILE), e);
        }
        TreeEnsembleScorer scorer;
        try {
            scorer = TreeEnsembleScorer.fromJson(booster, metadata.positiveClass());
        } catch (IllegalArgumentException e) {
            throw new ModelPackageException(ModelPackageException.Reason.INVALID_MODEL,
                    dir + ": " + BOOSTER_FILE + " is not a model this build can score: " + e.getMessage(), e);
        }
        ScoringModel model = new ScoringModel(metadata, scorer);
        GoldenSet.read(dir.resolve(GOLDEN_FILE)).check(scorer, metadata.version());
        return model;
    }

    /** The package's Tribuo model, for offline checks; the stream never calls it. */
    @SuppressWarnings("unchecked")
    public static Model<Label> loadTribuo(Path dir) {
        verifyFiles(dir, readMetadata(dir));
        try {
            return (Model<Label>) Model.deserializeFromFile(dir.resolve(TRIBUO_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Tribuo model " + dir.resolve(TRIBUO_FILE), e);
        }
    }

    static void writeMetadata(Path dir, ModelMetadata metadata) throws IOException {
        Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(METADATA_FILE).toFile(), metadata);
    }

    public static ModelMetadata readMetadata(Path dir) {
        Path file = dir.resolve(METADATA_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelPackageException(ModelPackageException.Reason.UNREADABLE,
                    dir + " is not a model package: " + METADATA_FILE + " is missing");
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), ModelMetadata.class);
        } catch (IOException e) {
            throw new ModelPackageException(ModelPackageException.Reason.UNREADABLE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The sha256 of the metadata file, which names the sha256 of every other file: the package's identity. */
    public static String packageSha256(Path dir) {
        return sha256(dir.resolve(METADATA_FILE));
    }

    private static void verifyFiles(Path dir, ModelMetadata metadata) {
        if (metadata.formatVersion() != ModelMetadata.FORMAT_VERSION) {
            throw new ModelPackageException(ModelPackageException.Reason.FORMAT, dir + ": package format "
                    + metadata.formatVersion() + ", this build reads " + ModelMetadata.FORMAT_VERSION + " (train or import the model again)");
        }
        for (String required : List.of(BOOSTER_FILE, GOLDEN_FILE)) {
            if (metadata.files() == null || !metadata.files().containsKey(required)) {
                throw new ModelPackageException(ModelPackageException.Reason.FORMAT, dir + ": the metadata names no sha256 for " + required);
            }
        }
        // Absolute, so that a package given as "." has a parent to compare with.
        Path root = dir.toAbsolutePath().normalize();
        for (Map.Entry<String, String> file : metadata.files().entrySet()) {
            Path path = root.resolve(file.getKey()).normalize();
            if (!root.equals(path.getParent())) {
                throw new ModelPackageException(ModelPackageException.Reason.FORMAT, dir + ": file name " + file.getKey() + " leaves the package");
            }
            String actual = sha256(path);
            if (!actual.equals(file.getValue())) {
                throw new ModelPackageException(ModelPackageException.Reason.CHECKSUM,
                        dir + ": " + file.getKey() + " has sha256 " + actual + ", metadata says " + file.getValue());
            }
        }
        if (!FeatureSchema.SCHEMA_HASH.equals(metadata.featureSchemaHash())) {
            throw new ModelPackageException(ModelPackageException.Reason.FEATURE_SCHEMA, dir + ": model " + metadata.version()
                    + " was made for another feature schema (" + metadata.featureSchemaHash() + ", this build serves "
                    + FeatureSchema.SCHEMA_HASH + ")");
        }
        List<String> features = metadata.features() == null ? List.of() : metadata.features();
        if (features.isEmpty() || new HashSet<>(features).size() != features.size() || !FeatureSchema.COLUMNS.containsAll(features)) {
            throw new ModelPackageException(ModelPackageException.Reason.FEATURE_SCHEMA, dir + ": model features " + features
                    + " must be distinct names from the schema's " + FeatureSchema.COLUMNS);
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        } catch (IOException e) {
            throw new ModelPackageException(ModelPackageException.Reason.UNREADABLE, "cannot read " + file + " to check its sha256", e);
        }
    }

    /** Hex sha256 of everything the stream holds; the caller closes it. */
    public static String sha256(InputStream in) throws IOException {
        try {
            DigestInputStream digest = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"));
            digest.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(digest.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
