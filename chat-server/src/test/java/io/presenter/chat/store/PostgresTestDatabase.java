package io.presenter.chat.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL the tests use: {@code PRESENTER_TEST_PG_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/presenter_test}), {@code PRESENTER_TEST_PG_USER} and
 * {@code PRESENTER_TEST_PG_PASSWORD} (default {@code presenter}), as {@code .ci/postgres.sh} sets
 * it up. When it cannot be reached the tests are skipped, or fail if
 * {@code PRESENTER_REQUIRE_PG=1} (as in CI).
 */
public final class PostgresTestDatabase {

  static final String URL =
      env("PRESENTER_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/presenter_test");
  public static final String USER = env("PRESENTER_TEST_PG_USER", "presenter");
  public static final String PASSWORD = env("PRESENTER_TEST_PG_PASSWORD", "presenter");

  private PostgresTestDatabase() {}

  /**
   * Skips (or, with PRESENTER_REQUIRE_PG=1, fails) the calling test if PostgreSQL is not up. Call
   * it from {@code @BeforeEach}, so that each test is reported as skipped.
   */
  public static void assumeReachable() {
    String problem = Probe.PROBLEM;
    if (problem == null) {
      return;
    }
    String message = "PostgreSQL store tests need " + USER + "@" + URL + " (run .ci/postgres.sh"
        + " as root, or set PRESENTER_TEST_PG_URL/_USER/_PASSWORD): " + problem;
    if ("1".equals(System.getenv("PRESENTER_REQUIRE_PG"))) {
      fail(message + " [failing because PRESENTER_REQUIRE_PG=1]");
    }
    Assumptions.abort(message);
  }

  /** Whether PostgreSQL can be reached, found out once per test run. */
  private static final class Probe {
    static final String PROBLEM = probe();

    private static String probe() {
      try {
        connect(URL).close();
        return null;
      } catch (SQLException e) {
        String problem = e.getMessage();
        System.err.println("PostgreSQL store tests: cannot connect to " + URL + ": " + problem
            + ("1".equals(System.getenv("PRESENTER_REQUIRE_PG"))
                ? " (PRESENTER_REQUIRE_PG=1: they fail)" : " (they are skipped)"));
        return problem;
      }
    }
  }

  static Connection connect(String url) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", USER);
    props.setProperty("password", PASSWORD);
    props.setProperty("connectTimeout", "3");
    props.setProperty("loginTimeout", "3");
    return DriverManager.getConnection(url, props);
  }

  /** Creates an empty schema; connect to it with {@link #urlFor}. */
  public static String createSchema() throws SQLException {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
    try (Connection c = connect(URL); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    return schema;
  }

  public static void dropSchema(String schema) throws SQLException {
    try (Connection c = connect(URL); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  public static String urlFor(String schema) {
    return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
