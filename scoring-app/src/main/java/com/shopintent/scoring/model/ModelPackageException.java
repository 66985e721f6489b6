package com.shopintent.scoring.model;

import java.util.Locale;

/** A model package that cannot be used, with the reason. */
public class ModelPackageException extends RuntimeException {

    /** Why a package was refused; the {@link #code} is a meter tag. */
    public enum Reason {
        /** A file is missing or cannot be read or parsed. */
        UNREADABLE,
        /** A package format this build does not read. */
        FORMAT,
        /** A file's sha256 differs from the one the metadata or the announcement names. */
        CHECKSUM,
        /** Trained on another feature encoding than the one this build serves. */
        FEATURE_SCHEMA,
        /** The booster is not a model this build can score. */
        INVALID_MODEL,
        /** The scorer does not reproduce the golden set, or scores NaN. */
        GOLDEN_SET,
        /** A control-topic record that is not a valid announcement: nothing to fetch. */
        INVALID_ANNOUNCEMENT;

        public String code() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public ModelPackageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ModelPackageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
