package io.presenter.runtime.token;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.presenter.runtime.token.TokenException.Reason;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Checks tokens minted by {@link TokenSigner} or by any JWT library: compact JWS, {@code alg} HS256
 * only (never {@code none}, never another algorithm), {@code kid} naming a key of the {@link
 * TokenKeys}, a valid HMAC, then the claims: {@code exp} required and not past, {@code iat}/{@code
 * nbf} (when present) not in the future, {@code sub} and {@code cpl} non-blank strings of at most
 * {@value TokenClaims#MAX_ID_CHARS} characters, optional {@code dev} likewise. Times are compared
 * with the given clock, tolerating {@code clockSkew} either way.
 *
 * <p>The signature is checked before any claim is looked at. Every refusal is a {@link
 * TokenException} with a {@link Reason}; nothing else is thrown for bad input. Thread-safe.
 */
public final class TokenVerifier {
  /** Tokens longer than this are refused before parsing. */
  public static final int MAX_TOKEN_CHARS = 4096;

  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

  private final Map<String, MACVerifier> verifiers;
  private final Duration clockSkew;
  private final Clock clock;

  /** A verifier with {@link #DEFAULT_CLOCK_SKEW} and the system clock. */
  public TokenVerifier(TokenKeys keys) {
    this(keys, DEFAULT_CLOCK_SKEW, Clock.systemUTC());
  }

  public TokenVerifier(TokenKeys keys, Duration clockSkew, Clock clock) {
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("clockSkew must not be negative");
    }
    this.clockSkew = clockSkew;
    this.clock = Objects.requireNonNull(clock, "clock");
    Map<String, MACVerifier> byKid = new HashMap<>();
    keys.secrets().forEach((kid, secret) -> byKid.put(kid, macVerifier(kid, secret)));
    this.verifiers = Map.copyOf(byKid);
  }

  /**
   * Verifies {@code token} and returns its claims.
   *
   * @throws TokenException if the token is refused, with the first reason found
   */
  public VerifiedToken verify(String token) {
    if (token == null || token.isEmpty()) {
      throw new TokenException(Reason.MALFORMED, "no token");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new TokenException(Reason.TOO_LONG, "token longer than " + MAX_TOKEN_CHARS + " chars");
    }
    checkAlgorithm(token);
    checkCanonical(token);
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException | RuntimeException e) {
      throw new TokenException(Reason.MALFORMED, "not a compact JWS");
    }
    String kid = jwt.getHeader().getKeyID();
    if (kid == null) {
      throw new TokenException(Reason.UNKNOWN_KEY, "token has no kid");
    }
    MACVerifier verifier = verifiers.get(kid);
    if (verifier == null) {
      throw new TokenException(Reason.UNKNOWN_KEY, "unknown kid");
    }
    if (!verifies(jwt, verifier)) {
      throw new TokenException(Reason.BAD_SIGNATURE, "signature does not match");
    }
    JWTClaimsSet claims;
    Map<String, Object> raw;
    try {
      claims = jwt.getJWTClaimsSet();
      raw = jwt.getPayload().toJSONObject();
    } catch (ParseException | RuntimeException e) {
      throw new TokenException(Reason.MALFORMED, "claims are not a valid JWT claims set");
    }
    if (raw == null) {
      throw new TokenException(Reason.MALFORMED, "claims are not a JSON object");
    }
    Instant expiresAt = checkTimes(claims);
    // From the JSON itself: the claims set would turn a numeric sub into a string.
    return new VerifiedToken(
        requiredId(raw, "sub"),
        requiredId(raw, TokenClaims.COUPLE_CLAIM),
        optionalId(raw, TokenClaims.DEVICE_CLAIM),
        expiresAt,
        kid);
  }

  /**
   * Three parts of unpadded base64url whose last bits are zero, so each token has one spelling
   * (a signature with {@code ==} appended, or with other trailing bits, is the same bytes written
   * differently; accepting it would let a token be replayed under another string).
   */
  private static void checkCanonical(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new TokenException(Reason.MALFORMED, "not a compact JWS");
    }
    for (String part : parts) {
      if (part.isEmpty() || !isCanonicalBase64Url(part)) {
        throw new TokenException(Reason.MALFORMED, "not canonical unpadded base64url");
      }
    }
  }

  private static boolean isCanonicalBase64Url(String part) {
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    if (part.length() % 4 == 1) {
      return false;
    }
    byte[] decoded = java.util.Base64.getUrlDecoder().decode(part);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(decoded).equals(part);
  }

  /** Looks at the header alone, so that {@code none} is refused for what it is. */
  private static void checkAlgorithm(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      throw new TokenException(Reason.MALFORMED, "not a compact JWS");
    }
    Algorithm alg;
    try {
      alg = Header.parse(new Base64URL(token.substring(0, dot))).getAlgorithm();
    } catch (ParseException | RuntimeException e) {
      throw new TokenException(Reason.MALFORMED, "header is not a valid JOSE header");
    }
    if (!JWSAlgorithm.HS256.equals(alg)) {
      throw new TokenException(Reason.UNSUPPORTED_ALGORITHM, "alg must be HS256");
    }
  }

  private static boolean verifies(SignedJWT jwt, MACVerifier verifier) {
    try {
      return jwt.verify(verifier);
    } catch (JOSEException | IllegalStateException e) {
      return false;
    }
  }

  private Instant checkTimes(JWTClaimsSet claims) {
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new TokenException(Reason.MISSING_CLAIM, "no exp claim");
    }
    Instant now = clock.instant();
    Instant expiresAt = exp.toInstant();
    if (!now.isBefore(expiresAt.plus(clockSkew))) {
      throw new TokenException(Reason.EXPIRED, "token expired");
    }
    Instant latestStart = now.plus(clockSkew);
    if (isAfter(claims.getIssueTime(), latestStart)
        || isAfter(claims.getNotBeforeTime(), latestStart)) {
      throw new TokenException(
          Reason.NOT_YET_VALID, "token not valid yet (iat or nbf in the future)");
    }
    return expiresAt;
  }

  private static boolean isAfter(Date time, Instant limit) {
    return time != null && time.toInstant().isAfter(limit);
  }

  private static String requiredId(Map<String, Object> claims, String name) {
    Object value = claims.get(name);
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw new TokenException(Reason.MISSING_CLAIM, "no " + name + " claim");
    }
    return checkId(value, name);
  }

  private static String optionalId(Map<String, Object> claims, String name) {
    Object value = claims.get(name);
    return value == null ? null : checkId(value, name);
  }

  private static String checkId(Object value, String name) {
    if (value instanceof String s && TokenClaims.validId(s)) {
      return s;
    }
    throw new TokenException(Reason.MALFORMED, name + " must be a string of " + TokenClaims.ID_RULE);
  }

  private static MACVerifier macVerifier(String kid, byte[] secret) {
    try {
      return new MACVerifier(secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("key " + kid + " is unusable for HS256", e);
    }
  }

  @Override
  public String toString() {
    return "TokenVerifier[kids=" + verifiers.keySet() + ", clockSkew=" + clockSkew + "]";
  }
}
