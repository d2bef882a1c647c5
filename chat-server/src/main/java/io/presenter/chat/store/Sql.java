package io.presenter.chat.store;

/** The SQL both dialects share. Every statement on messages or markers names one couple. */
final class Sql {

  static final String CREATE_SCHEMA_VERSION = "CREATE TABLE IF NOT EXISTS schema_version ("
      + "version INT NOT NULL PRIMARY KEY,"
      + " description VARCHAR(200) NOT NULL,"
      + " applied_at_millis BIGINT NOT NULL)";

  static final String SCHEMA_VERSION = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

  /** Idempotent, so that H2 openers racing in one process cannot fail on it. */
  static final String RECORD_VERSION = "INSERT INTO schema_version"
      + " (version, description, applied_at_millis) SELECT ?, ?, ?"
      + " WHERE NOT EXISTS (SELECT 1 FROM schema_version WHERE version = ?)";

  static final String LATEST_SEQ = "SELECT MAX(seq) FROM messages WHERE couple_id = ?";

  /**
   * Inserts unless the client message id is already stored (then the update count is 0); a taken
   * {@code (couple_id, seq)} fails with a unique violation. Parameters: couple id, seq, sender id,
   * sender device id, client message id, kind, body, timestamp, then couple id, sender id, client
   * message id again.
   */
  static final String INSERT_IF_NEW = "INSERT INTO messages (couple_id, seq, sender_id,"
      + " sender_device_id, client_message_id, kind, body, timestamp_millis)"
      + " SELECT ?, ?, ?, ?, ?, ?, ?, ?"
      + " WHERE NOT EXISTS (SELECT 1 FROM messages"
      + " WHERE couple_id = ? AND sender_id = ? AND client_message_id = ?)";

  static final String FIND_BY_CLIENT_ID = "SELECT seq, timestamp_millis FROM messages"
      + " WHERE couple_id = ? AND sender_id = ? AND client_message_id = ?";

  static final String READ_AFTER = "SELECT seq, sender_id, sender_device_id, client_message_id,"
      + " kind, body, timestamp_millis FROM messages"
      + " WHERE couple_id = ? AND seq > ? ORDER BY seq LIMIT ?";

  static final String COUPLE_MEMBERS = "SELECT user_id FROM couple_members WHERE couple_id = ? ORDER BY slot";

  /** Parameters: couple id, slot, user id, time. Fails with a unique violation if the slot or user is taken. */
  static final String ADD_COUPLE_MEMBER =
      "INSERT INTO couple_members (couple_id, slot, user_id, joined_at_millis) VALUES (?, ?, ?, ?)";

  static final String READ_MARKERS = "SELECT user_id, seq FROM read_markers WHERE couple_id = ?";

  private Sql() {}
}
