package io.presenter.runtime.token;

/**
 * A token was refused. Cheap to construct (no stack trace), because any client can make the
 * verifier throw one per connection attempt.
 */
public final class TokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a token was refused. */
  public enum Reason {
    /** Not a compact JWS, or a header, payload or claim that does not parse or has a bad value. */
    MALFORMED,
    /** Longer than {@link TokenVerifier#MAX_TOKEN_CHARS}; refused before parsing. */
    TOO_LONG,
    /** {@code alg} is anything but HS256, including {@code none}. */
    UNSUPPORTED_ALGORITHM,
    /** No {@code kid} header, or a kid that is not in the key set (e.g. rotated out). */
    UNKNOWN_KEY,
    /** The HMAC does not match. */
    BAD_SIGNATURE,
    /** {@code exp} is in the past by more than the clock skew. */
    EXPIRED,
    /** {@code iat} or {@code nbf} is in the future by more than the clock skew. */
    NOT_YET_VALID,
    /** {@code sub}, {@code cpl} or {@code exp} is absent or blank. */
    MISSING_CLAIM,
  }

  private final Reason reason;

  public TokenException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public String toString() {
    return "TokenException[" + reason + ": " + getMessage() + "]";
  }
}
