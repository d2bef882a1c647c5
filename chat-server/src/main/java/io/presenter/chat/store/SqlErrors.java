package io.presenter.chat.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Classifies JDBC failures, looking through causes and chained (batch) exceptions. */
final class SqlErrors {

  private static final String UNIQUE_VIOLATION = "23505";
  private static final String CONNECTION_EXCEPTION_CLASS = "08";

  private SqlErrors() {}

  /** A unique or primary key was violated (same SQLState on H2 and PostgreSQL). */
  static boolean isUniqueViolation(Throwable t) {
    return any(t, e -> UNIQUE_VIOLATION.equals(e.getSQLState()));
  }

  /** The database could not be reached, or the connection broke. */
  static boolean isConnectionFailure(Throwable t) {
    return any(t, e -> e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException
        || (e.getSQLState() != null && e.getSQLState().startsWith(CONNECTION_EXCEPTION_CLASS)));
  }

  private interface Test {
    boolean matches(SQLException e);
  }

  private static boolean any(Throwable t, Test test) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    return any(t, test, seen);
  }

  private static boolean any(Throwable t, Test test, Set<Throwable> seen) {
    if (t == null || !seen.add(t) || seen.size() > 32) {
      return false;
    }
    if (t instanceof SQLException e) {
      if (test.matches(e) || any(e.getNextException(), test, seen)) {
        return true;
      }
    }
    return any(t.getCause(), test, seen);
  }
}
