package com.shopintent.scoring.features;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads files in the data set's format (header with the 17 feature columns, {@code Revenue}
 * optional). A broken row stops the read with its row number and column.
 */
public final class DatasetReader {

    /** Where the shipped data set lives on the class path. */
    public static final String SHIPPED_RESOURCE = "/datasets/online_shoppers_intention.csv";

    private DatasetReader() {
    }

    public static List<DatasetRow> read(Path csv) {
        try (InputStream in = Files.newInputStream(csv)) {
            return read(in, csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read data set " + csv, e);
        }
    }

    /** The data set shipped inside the jar. */
    public static List<DatasetRow> shipped() {
        try (InputStream in = DatasetReader.class.getResourceAsStream(SHIPPED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the shipped data set " + SHIPPED_RESOURCE + " is not on the class path");
            }
            return read(in, SHIPPED_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shipped data set", e);
        }
    }

    static List<DatasetRow> read(InputStream in, String source) throws IOException {
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
        try (CSVParser parser = CSVParser.parse(reader, format)) {
            List<String> header = parser.getHeaderNames();
            for (String column : FeatureSchema.COLUMNS) {
                if (!header.contains(column)) {
                    throw new IllegalArgumentException(source + ": column '" + column + "' is missing; expected the data set's columns " + FeatureSchema.COLUMNS);
                }
            }
            boolean labelled = header.contains(FeatureSchema.LABEL);
            List<DatasetRow> rows = new ArrayList<>();
            for (CSVRecord record : parser) {
                long row = record.getRecordNumber();
                try {
                    rows.add(new DatasetRow(row, features(record), labelled ? bool(record.get(FeatureSchema.LABEL)) : null));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + ": data row " + row + ": " + e.getMessage(), e);
                }
            }
            return rows;
        }
    }

    private static SessionFeatures features(CSVRecord r) {
        return new SessionFeatures(
                count(r, "Administrative"), seconds(r, "Administrative_Duration"),
                count(r, "Informational"), seconds(r, "Informational_Duration"),
                count(r, "ProductRelated"), seconds(r, "ProductRelated_Duration"),
                fraction(r, "BounceRates"), fraction(r, "ExitRates"), seconds(r, "PageValues"),
                fraction(r, "SpecialDay"), FeatureSchema.parseMonth(r.get("Month")),
                count(r, "OperatingSystems"), count(r, "Browser"), count(r, "Region"), count(r, "TrafficType"),
                FeatureSchema.parseVisitorType(r.get("VisitorType")), bool(r.get("Weekend")));
    }

    private static int count(CSVRecord r, String column) {
        try {
            int value = Integer.parseInt(r.get(column).trim());
            if (value < 0) {
                throw new NumberFormatException("negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column " + column + " must be a non-negative integer, got '" + r.get(column) + "'", e);
        }
    }

    private static double seconds(CSVRecord r, String column) {
        double value = number(r, column);
        if (value < 0) {
            throw new IllegalArgumentException("column " + column + " must be >= 0, got '" + r.get(column) + "'");
        }
        return value;
    }

    private static double fraction(CSVRecord r, String column) {
        double value = number(r, column);
        if (value < 0 || value > 1) {
            throw new IllegalArgumentException("column " + column + " must be within 0..1, got '" + r.get(column) + "'");
        }
        return value;
    }

    private static double number(CSVRecord r, String column) {
        try {
            double value = Double.parseDouble(r.get(column).trim());
            if (!Double.isFinite(value)) {
                throw new NumberFormatException("not finite");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column " + column + " must be a finite number, got '" + r.get(column) + "'", e);
        }
    }

    private static boolean bool(String text) {
        return switch (text.trim()) {
            case "TRUE", "true", "True" -> true;
            case "FALSE", "false", "False" -> false;
            default -> throw new IllegalArgumentException("expected TRUE or FALSE, got '" + text + "'");
        };
    }
}
