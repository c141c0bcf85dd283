package org.medgemma4j.store;

import java.io.IOException;

/** A model that cannot be found, fetched or stored: the message tells the user what to do. */
public class StoreException extends IOException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
