package org.medgemma4j.server;

/** Every slot is busy and the waiting queue is full: the client should retry later (HTTP 503). */
final class QueueFullException extends RuntimeException {

    QueueFullException(int capacity) {
        super("the server is busy: all slots are generating and " + capacity + " requests are waiting; retry later");
    }
}
