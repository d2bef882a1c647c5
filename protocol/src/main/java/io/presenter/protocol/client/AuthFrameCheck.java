package io.presenter.protocol.client;

import io.presenter.protocol.client.thrift.Auth;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;

/**
 * The checks docs/PROTOCOL.md 3.7 asks of a connection's first frame before its token is
 * verified: it is an Auth frame (else AUTH_REQUIRED) with a token and a device id of 1..{@value
 * #MAX_DEVICE_ID_CHARS} characters (else AUTH_INVALID). Whoever receives the first frame (the
 * gateway, or a chat server reached directly) runs the same check; the token's signature and
 * expiry are the token verifier's business.
 */
public final class AuthFrameCheck {
  public static final int MAX_DEVICE_ID_CHARS = 64;

  private AuthFrameCheck() {}

  /** Null if {@code first} is an acceptable Auth frame; otherwise the error to answer with (fatal). */
  public static ClientFrameError check(ClientFrame first) {
    if (first == null || !first.isSetAuth()) {
      return new ClientFrameError(ErrorCode.AUTH_REQUIRED, "the first frame must be Auth");
    }
    return check(first.getAuth());
  }

  /** Null if {@code auth} carries a token and a valid device id; otherwise the error to answer with. */
  public static ClientFrameError check(Auth auth) {
    String token = auth.getToken();
    String device = auth.getDeviceId();
    if (token == null || token.isEmpty() || device == null || device.isEmpty() || device.length() > MAX_DEVICE_ID_CHARS) {
      return new ClientFrameError(
          ErrorCode.AUTH_INVALID, "a token and a deviceId of 1.." + MAX_DEVICE_ID_CHARS + " characters are required");
    }
    return null;
  }
}
