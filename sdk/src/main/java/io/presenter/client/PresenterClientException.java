package io.presenter.client;

import io.presenter.protocol.client.thrift.ServerError;

/**
 * Fails a future of {@link PresenterClient}: a send the server refused ({@link #error()} set), a
 * full outbox, or a client that was closed. A send failed this way was not stored, except after
 * close(), when it may or may not have been.
 */
public final class PresenterClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ServerError error;

  PresenterClientException(String message, ServerError error) {
    super(message, null, false, false);
    this.error = error;
  }

  /** The server's answer, or null when the client itself gave up. */
  public ServerError error() {
    return error;
  }
}
