package com.shopintent.scoring.features;

/**
 * One row of the data set: its features, its label when the file has one, and its 1-based data
 * row number (the header is row 0), the number {@code replay} and {@code score-csv} use.
 */
public record DatasetRow(long row, SessionFeatures features, Boolean revenue) {
}
