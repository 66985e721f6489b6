package com.shopintent.scoring.model;

/** A model package that cannot be used, with the reason. */
public class ModelPackageException extends RuntimeException {

    public ModelPackageException(String message) {
        super(message);
    }

    public ModelPackageException(String message, Throwable cause) {
        super(message, cause);
    }
}
