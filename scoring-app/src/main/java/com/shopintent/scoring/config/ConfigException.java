package com.shopintent.scoring.config;

/** A setting with a value that cannot be used; the message names the setting and what is allowed. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
