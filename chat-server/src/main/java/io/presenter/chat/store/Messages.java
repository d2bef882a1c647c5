package io.presenter.chat.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The statements on the messages and read markers tables, one couple each. */
final class Messages {

  private Messages() {}

  static long latestSeq(Connection c, String coupleId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Sql.LATEST_SEQ)) {
      ps.setString(1, coupleId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * Inserts each slot's message under its assigned seq, in one JDBC batch.
   *
   * @return the slots that were not inserted because their client message id is already stored
   */
  static List<Slot> insertIfNew(Connection c, List<Slot> slots) throws SQLException {
    int[] counts;
    try (PreparedStatement ps = c.prepareStatement(Sql.INSERT_IF_NEW)) {
      for (Slot s : slots) {
        AppendRequest r = s.request();
        ps.setString(1, r.coupleId());
        ps.setLong(2, s.seq);
        ps.setString(3, r.senderId());
        ps.setString(4, r.senderDeviceId());
        ps.setString(5, r.clientMessageId());
        ps.setInt(6, r.kind());
        ps.setBytes(7, r.body());
        ps.setLong(8, r.timestampMillis());
        ps.setString(9, r.coupleId());
        ps.setString(10, r.senderId());
        ps.setString(11, r.clientMessageId());
        ps.addBatch();
      }
      counts = ps.executeBatch();
    }
    List<Slot> resends = new ArrayList<>(0);
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) {
        resends.add(slots.get(i));
      }
    }
    return resends;
  }

  /** The stored message with the request's client message id as a duplicate result, or null. */
  static AppendResult findStored(Connection c, AppendRequest r) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Sql.FIND_BY_CLIENT_ID)) {
      ps.setString(1, r.coupleId());
      ps.setString(2, r.senderId());
      ps.setString(3, r.clientMessageId());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new AppendResult(rs.getLong(1), rs.getLong(2), true) : null;
      }
    }
  }

  static List<StoredMessage> readAfter(Connection c, String coupleId, long afterSeq, int limit)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Sql.READ_AFTER)) {
      ps.setString(1, coupleId);
      ps.setLong(2, afterSeq);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<StoredMessage> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new StoredMessage(coupleId, rs.getLong(1), rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getInt(5), rs.getBytes(6), rs.getLong(7)));
        }
        return out;
      }
    }
  }

  static void upsertReadMarker(Connection c, Dialect dialect, String coupleId, String userId,
      long seq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(dialect.upsertReadMarker())) {
      ps.setString(1, coupleId);
      ps.setString(2, userId);
      ps.setLong(3, seq);
      ps.executeUpdate();
    }
  }

  static List<String> coupleMembers(Connection c, String coupleId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Sql.COUPLE_MEMBERS)) {
      ps.setString(1, coupleId);
      List<String> members = new ArrayList<>(2);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          members.add(rs.getString(1));
        }
      }
      return List.copyOf(members);
    }
  }

  static void addCoupleMember(Connection c, String coupleId, int slot, String userId, long nowMillis)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Sql.ADD_COUPLE_MEMBER)) {
      ps.setString(1, coupleId);
      ps.setInt(2, slot);
      ps.setString(3, userId);
      ps.setLong(4, nowMillis);
      ps.executeUpdate();
    }
  }

  static Map<String, Long> readMarkers(Connection c, String coupleId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(Sql.READ_MARKERS)) {
      ps.setString(1, coupleId);
      try (ResultSet rs = ps.executeQuery()) {
        Map<String, Long> out = new HashMap<>();
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
      }
    }
  }
}
