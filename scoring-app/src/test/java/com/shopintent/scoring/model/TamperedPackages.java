package com.shopintent.scoring.model;

import com.shopintent.scoring.features.FeatureSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Copies of a good model package with one thing wrong each, so that exactly one of
 * {@link ModelPackage#load}'s checks refuses it. Each method copies {@code source} into
 * {@code target} (created if needed) and returns {@code target}.
 */
public final class TamperedPackages {

    private TamperedPackages() {
    }

    /** One digit of a split condition in booster.json changed; the file is still valid JSON, the metadata untouched. */
    public static Path changedByte(Path source, Path target) {
        copy(source, target);
        Path booster = target.resolve(ModelPackage.BOOSTER_FILE);
        byte[] bytes = read(booster);
        int i = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\"split_conditions\"");
        while (i < bytes.length && !Character.isDigit(bytes[i])) {
            i++;
        }
        if (i == bytes.length) {
            throw new IllegalArgumentException(booster + " has no split condition digit to change");
        }
        bytes[i] = (byte) (bytes[i] == '9' ? '8' : bytes[i] + 1);
        write(booster, bytes);
        return target;
    }

    /** metadata.json names another feature schema hash; every sha256 still matches. */
    public static Path otherFeatureSchema(Path source, Path target) {
        copy(source, target);
        ModelMetadata m = ModelPackage.readMetadata(target);
        String hash = FeatureSchema.SCHEMA_HASH;
        char last = hash.charAt(hash.length() - 1);
        String other = hash.substring(0, hash.length() - 1) + (last == 'f' ? 'e' : Character.forDigit(Character.digit(last, 16) + 1, 16));
        writeMetadata(target, new ModelMetadata(m.formatVersion(), m.version(), m.createdAt(), m.origin(), m.label(),
                m.positiveClass(), m.features(), other, m.trainingData(), m.settings(), m.metrics(), m.files()));
        return target;
    }

    /** One golden probability moved by 0.01, with golden.json's sha256 in the metadata updated to match. */
    public static Path goldenNotReproduced(Path source, Path target) {
        copy(source, target);
        Path goldenFile = target.resolve(ModelPackage.GOLDEN_FILE);
        List<GoldenSet.Row> rows = new ArrayList<>(GoldenSet.read(goldenFile).rows());
        GoldenSet.Row first = rows.get(0);
        double moved = first.probability() > 0.5 ? first.probability() - 0.01 : first.probability() + 0.01;
        rows.set(0, new GoldenSet.Row(first.input(), moved));
        try {
            new GoldenSet(rows).write(goldenFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + goldenFile, e);
        }
        ModelMetadata m = ModelPackage.readMetadata(target);
        Map<String, String> files = new LinkedHashMap<>(m.files());
        files.put(ModelPackage.GOLDEN_FILE, ModelPackage.sha256(goldenFile));
        writeMetadata(target, new ModelMetadata(m.formatVersion(), m.version(), m.createdAt(), m.origin(), m.label(),
                m.positiveClass(), m.features(), m.featureSchemaHash(), m.trainingData(), m.settings(), m.metrics(), files));
        return target;
    }

    static void writeMetadata(Path dir, ModelMetadata metadata) {
        try {
            ModelPackage.writeMetadata(dir, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metadata to " + dir, e);
        }
    }

    /** An untouched copy, for a test that changes something else. */
    static Path copy(Path source, Path target) {
        try (Stream<Path> files = Files.list(source)) {
            Files.createDirectories(target);
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy model package " + source + " to " + target, e);
        }
        return target;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
