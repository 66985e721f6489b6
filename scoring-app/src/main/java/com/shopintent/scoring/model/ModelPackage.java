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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * A model package: a directory with the Tribuo model ({@value #TRIBUO_FILE}, protobuf), the same
 * booster in XGBoost's JSON format ({@value #BOOSTER_FILE}, what the stream scores with) and
 * {@value #METADATA_FILE}. Loading checks every file's sha256 and the feature schema.
 */
public final class ModelPackage {

    public static final String TRIBUO_FILE = "model.tribuo";
    public static final String BOOSTER_FILE = "booster.json";
    public static final String METADATA_FILE = "metadata.json";

    private ModelPackage() {
    }

    /** Writes a trained model as a package into {@code dir} (created if needed) and returns its metadata. */
    public static ModelMetadata write(Path dir, ModelTrainer.Trained trained, TrainingSettings settings,
                                      String dataSource, String dataSha256) {
        try {
            Files.createDirectories(dir);
            trained.model().serializeToFile(dir.resolve(TRIBUO_FILE));
            Files.write(dir.resolve(BOOSTER_FILE), trained.boosterJson());
            Map<String, String> files = new LinkedHashMap<>();
            files.put(TRIBUO_FILE, sha256(dir.resolve(TRIBUO_FILE)));
            files.put(BOOSTER_FILE, sha256(dir.resolve(BOOSTER_FILE)));
            // Content-addressed: the same trees are the same version, on any machine.
            String version = "xgb-" + files.get(BOOSTER_FILE).substring(0, 12);
            ModelMetadata metadata = new ModelMetadata(ModelMetadata.FORMAT_VERSION, version,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), FeatureSchema.LABEL,
                    trained.positiveClass(), trained.modelFeatures(), FeatureSchema.SCHEMA_HASH,
                    new ModelMetadata.TrainingData(dataSource, dataSha256, trained.trainRows(), trained.testRows()),
                    settings, trained.metrics(), files);
            Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(METADATA_FILE).toFile(), metadata);
            return metadata;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model package to " + dir, e);
        }
    }

    /** Reads and checks the package in {@code dir}, and compiles its booster for scoring. */
    public static ScoringModel load(Path dir) {
        ModelMetadata metadata = readMetadata(dir);
        verify(dir, metadata);
        try {
            byte[] booster = Files.readAllBytes(dir.resolve(BOOSTER_FILE));
            return new ScoringModel(metadata, TreeEnsembleScorer.fromJson(booster, metadata.positiveClass()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(BOOSTER_FILE), e);
        }
    }

    /** The package's Tribuo model, for offline checks; the stream never calls it. */
    @SuppressWarnings("unchecked")
    public static Model<Label> loadTribuo(Path dir) {
        verify(dir, readMetadata(dir));
        try {
            return (Model<Label>) Model.deserializeFromFile(dir.resolve(TRIBUO_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Tribuo model " + dir.resolve(TRIBUO_FILE), e);
        }
    }

    public static ModelMetadata readMetadata(Path dir) {
        Path file = dir.resolve(METADATA_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelPackageException(dir + " is not a model package: " + METADATA_FILE + " is missing");
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), ModelMetadata.class);
        } catch (IOException e) {
            throw new ModelPackageException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void verify(Path dir, ModelMetadata metadata) {
        if (metadata.formatVersion() != ModelMetadata.FORMAT_VERSION) {
            throw new ModelPackageException(dir + ": package format " + metadata.formatVersion() + ", this build reads " + ModelMetadata.FORMAT_VERSION);
        }
        if (!FeatureSchema.SCHEMA_HASH.equals(metadata.featureSchemaHash())) {
            throw new ModelPackageException(dir + ": model " + metadata.version() + " was trained on another feature schema ("
                    + metadata.featureSchemaHash() + ", this build serves " + FeatureSchema.SCHEMA_HASH + ")");
        }
        if (!new java.util.HashSet<>(metadata.features()).equals(new java.util.HashSet<>(FeatureSchema.COLUMNS))) {
            throw new ModelPackageException(dir + ": model features " + metadata.features() + " are not the schema's " + FeatureSchema.COLUMNS);
        }
        for (Map.Entry<String, String> file : metadata.files().entrySet()) {
            String actual = sha256(dir.resolve(file.getKey()));
            if (!actual.equals(file.getValue())) {
                throw new ModelPackageException(dir + ": " + file.getKey() + " has sha256 " + actual + ", metadata says " + file.getValue());
            }
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        } catch (IOException e) {
            throw new ModelPackageException("cannot read " + file + " to check its sha256", e);
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
