package io.presenter.chat.store;

/**
 * The store could not do what was asked: the database failed or could not be reached, or the
 * store is closed. The cause, if any, is the underlying {@link java.sql.SQLException}. For an
 * append, the message may or may not have been committed; a resend with the same client message
 * id finds out without storing it twice.
 */
public class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
