package io.presenter.runtime.token;

import java.time.Instant;
import java.util.Objects;

/**
 * What a token says: claims {@code sub} (userId), {@code cpl} (coupleId), optional {@code dev}
 * (deviceId), {@code iat} and {@code exp}. Times travel as whole seconds; sub-second parts are
 * dropped when signing.
 *
 * @param deviceId null when the token is not bound to a device
 */
public record TokenClaims(
    String userId, String coupleId, String deviceId, Instant issuedAt, Instant expiresAt) {
  /** Longest accepted {@code sub}, {@code cpl} and {@code dev}. */
  public static final int MAX_ID_CHARS = 128;

  /** Private claim names; {@code sub}, {@code iat} and {@code exp} are the registered ones. */
  static final String COUPLE_CLAIM = "cpl";

  static final String DEVICE_CLAIM = "dev";

  public TokenClaims {
    checkId("userId", userId);
    checkId("coupleId", coupleId);
    if (deviceId != null) {
      checkId("deviceId", deviceId);
    }
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException("expiresAt must be after issuedAt");
    }
  }

  /** The rule {@link #validId} enforces, for messages. */
  public static final String ID_RULE = "1.." + MAX_ID_CHARS + " printable ASCII characters (0x21..0x7E)";

  /**
   * 1..{@value #MAX_ID_CHARS} characters of printable ASCII without space: ids end up in logs and
   * metrics, where control characters (NUL, newline) would forge or break lines.
   */
  public static boolean validId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static void checkId(String name, String value) {
    if (!validId(value)) {
      throw new IllegalArgumentException(name + " must be " + ID_RULE);
    }
  }
}
