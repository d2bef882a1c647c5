package io.presenter.chat.store;

/**
 * The append queue is full: the database does not keep up. The message was not queued and
 * nothing was stored; the caller should answer the client with a retryable error rather than
 * buffer the message somewhere else.
 */
public final class StoreOverloadedException extends StoreException {

  private static final long serialVersionUID = 1L;

  public StoreOverloadedException(String message) {
    super(message);
  }
}
