package com.shopintent.scoring.runtime;

/** A broker that could not be started, stopped or cleaned up; the message says what was being done and shows the broker log's last lines. */
public class BrokerException extends RuntimeException {

    public BrokerException(String message) {
        super(message);
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
